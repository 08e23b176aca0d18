"""Fixtures for classroom tests: a course built entirely through the API, with its people and a lab.

`classroom()` makes: a course with a teacher and students, the teacher's 2-node lab (pc1 and pc2
linked, 10.0.0.1/.2 set by startup lines) published as an assignment. Each call makes a new
course with new users, so a test can hold two courses (A and B) side by side.
"""

import itertools
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from tests.labs.factories import create_link, create_node, create_project

_serial = itertools.count(1)


@dataclass
class Classroom:
    course: dict
    teacher: APIClient
    students: list[APIClient]
    lab: dict  # the teacher's original project
    nodes: list[dict]
    assignment: dict
    url: str = field(init=False)

    def __post_init__(self) -> None:
        self.url = f"/api/courses/{self.course['id']}/"

    def start(self, student: APIClient):
        return student.post(f"{self.url}assignments/{self.assignment['id']}/start/")


def build_lab(teacher: APIClient, templates: dict, node_count: int = 2, name: str = "ping lab") -> tuple:
    """A chain pc1 - pc2 - ... of busybox nodes; pc{i} has 10.0.0.{i}/24 on the link to its left/right."""
    lab = create_project(teacher, name)
    nodes = []
    for i in range(1, node_count + 1):
        nodes.append(
            create_node(
                teacher, lab, templates["busybox"], f"pc{i}", startup=[f"ip addr add 10.0.0.{i}/24 dev eth0"]
            )
        )
    if node_count == 2:
        create_link(teacher, lab, nodes[0], nodes[1])
    return lab, nodes


def post_ok(client: APIClient, url: str, body: dict | None = None, status: int = 201) -> dict:
    response = client.post(url, body or {}, format="json")
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def classroom(make_api, templates):
    """classroom(students=2, node_count=2, published=True, **course_fields) -> Classroom."""
    staff = None

    def make(students: int = 2, node_count: int = 2, published: bool = True, **course_fields) -> Classroom:
        nonlocal staff
        n = next(_serial)
        staff = staff or make_api(f"staff{n}", staff=True)
        teacher = make_api(f"teacher{n}")
        course = post_ok(
            staff,
            "/api/courses/",
            {"name": f"Networks {n}", "teachers": [teacher.user.username], **course_fields},
        )
        pupils = [make_api(f"student{n}x{i}") for i in range(students)]
        for pupil in pupils:
            post_ok(
                teacher,
                f"/api/courses/{course['id']}/students/",
                {"username": pupil.user.username, "email": pupil.user.email},
            )
        lab, nodes = build_lab(teacher, templates, node_count)
        assignment = post_ok(
            teacher,
            f"/api/courses/{course['id']}/assignments/",
            {"title": f"Lab {n}", "source": lab["id"], "published": published},
        )
        return Classroom(course, teacher, pupils, lab, nodes, assignment)

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every classroom test makes several accounts; the production hasher costs ~0.25 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
