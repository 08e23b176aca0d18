"""A copy's project name is made from the assignment's title and the student's username, which may hold
characters a project name may not ("Lab 1: routing", "ann@school"): the copy must still be made."""

from types import SimpleNamespace

import pytest

from webgns.classrooms.copies import copy_name
from webgns.labs.validators import validate_project_name

pytestmark = pytest.mark.django_db


def name_for(title: str, username: str) -> str:
    student = SimpleNamespace(get_username=lambda: username)
    return copy_name(SimpleNamespace(title=title), student)


@pytest.mark.parametrize(
    ("title", "username", "expected"),
    [
        ("Lab 1", "ann", "Lab 1 (ann)"),
        ("Lab 1: routing", "ann@school.org", "Lab 1- routing (ann-school.org)"),
        ("«OSPF» / areas", "bob", "-OSPF- - areas (bob)"),
        ("(intro)", "cy", "(intro) (cy)"),
    ],
)
def test_copy_names_are_valid_project_names(title, username, expected):
    name = name_for(title, username)
    validate_project_name(name)
    assert name.endswith(expected)


def test_a_long_title_is_cut_to_a_valid_name():
    name = name_for("x" * 100, "ann")
    validate_project_name(name)
    assert len(name) == 100 and name.endswith("...")


def test_a_student_starts_an_assignment_whose_title_has_a_colon(classroom):
    room = classroom(students=1)
    assignment = room.teacher.patch(f"{room.url}assignments/{room.assignment['id']}/",
                                    {"title": "Lab 1: static routes"}, format="json")
    assert assignment.status_code == 200, assignment.content
    response = room.start(room.students[0])
    assert response.status_code == 202, response.content
    project = room.students[0].get(f"/api/projects/{response.json()['copy']['project']}/").json()
    assert project["name"] == f"Lab 1- static routes ({room.students[0].user.username})"
