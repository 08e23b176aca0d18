"""Set-up and reads for the course pages' browser tests: people and courses made through the REST API
(as staff would), logging in as someone, and what the teacher's table and consoles show.

The pages expose nothing special for tests: they are read through their DOM (rows carry data-*
attributes: the copy's student, project and status, each node chip's name and status).
"""

import uuid
from dataclasses import dataclass

import requests


@dataclass
class Person:
    username: str
    password: str
    api: requests.Session


def make_person(stack, admin_api: requests.Session, prefix: str) -> Person:
    """A new non-staff account, and an API session with its token."""
    username = f"{prefix}-{uuid.uuid4().hex[:6]}"
    password = f"pw-{uuid.uuid4().hex[:12]}"
    response = admin_api.post(f"{stack.base_url}/api/users/", timeout=10,
                              json={"username": username, "password": password, "email": f"{username}@example.org"})
    response.raise_for_status()
    token = requests.post(f"{stack.base_url}/api/auth/token/", json={"username": username, "password": password},
                          timeout=10).json()["token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return Person(username, password, session)


def ok(response: requests.Response, status: int = 201) -> dict:
    request = response.request
    assert response.status_code == status, f"{request.method} {response.url}: {response.status_code} {response.text}"
    return response.json() if response.content else {}


def busybox_lab(stack, person: Person, name: str, node_names: tuple[str, ...] = ("pc1",)) -> dict:
    """A project of `person` with busybox nodes (no links, no startup lines: each starts on its own)."""
    base = stack.base_url
    templates = person.api.get(f"{base}/api/templates/", timeout=10).json()
    templates = templates["results"] if isinstance(templates, dict) else templates
    busybox = next(t for t in templates if t["name"] == "busybox")
    project = ok(person.api.post(f"{base}/api/projects/", json={"name": name}, timeout=10))
    for i, node_name in enumerate(node_names):
        ok(person.api.post(f"{base}/api/projects/{project['id']}/nodes/", timeout=10,
                           json={"name": node_name, "template": busybox["id"], "x": 150 * i, "y": 0}))
    return project


def login_as(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.login-form button[type=submit]")
    # Where login leads depends on the person: a course member lands on their course(s), others on "/".
    page.wait_for_url(lambda url: url.startswith(base_url) and "/accounts/login/" not in url)
    page.wait_for_load_state()


def open_course(page, base_url: str, course_id: str) -> None:
    page.goto(f"{base_url}/courses/{course_id}/")
    page.wait_for_function("document.body.dataset.role !== undefined && document.body.dataset.role !== ''")


def copy_row(student: str) -> str:
    return f'#copy-rows tr[data-student="{student}"]'


def wait_copy_status(page, student: str, status: str, timeout: float = 60) -> None:
    """Until the teacher's table shows `student`'s copy, and each of its nodes, with `status`."""
    page.wait_for_function(
        """([row, status]) => {
          const tr = document.querySelector(row);
          if (!tr || tr.querySelector(".copy-status").dataset.status !== status) return false;
          return [...tr.querySelectorAll(".node-chip")].every((chip) => chip.dataset.status === status);
        }""",
        arg=[copy_row(student), status],
        timeout=timeout * 1000,
    )
