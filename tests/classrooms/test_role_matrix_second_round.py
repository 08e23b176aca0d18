"""The role matrix for the second round's endpoints: checks, check runs, grades, instructions.

Roles: the copy's own student, another student of the course, the course's teacher, a teacher of
another course, staff, and nobody. Something one may not see answers 404; an action one's role
lacks on something one may see answers 403; no task runs here (no worker, no commit).
"""

import pytest
from rest_framework.test import APIClient

from tests.classrooms.test_role_matrix import copy_of
from webgns.classrooms.models import CheckRun, StudentCopy

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(classroom, make_api):
    a, b = classroom(students=2), classroom(students=1)
    for student in a.students:
        assert a.start(student).status_code == 202
    check = a.teacher.post(
        f"{a.url}assignments/{a.assignment['id']}/checks/",
        {"name": "pc1 up", "node": "pc1", "command": "true", "hint": "start pc1"},
        format="json",
    )
    assert check.status_code == 201, check.content
    sam = a.students[0]
    copy = StudentCopy.objects.get(project_id=copy_of(a, sam))
    return {
        "a": a,
        "check": check.json(),
        "copy": str(copy.id),
        "roles": {
            "owner": sam,
            "classmate": a.students[1],
            "teacher": a.teacher,
            "other_teacher": b.teacher,
            "staff": make_api("dean", staff=True),
            "anonymous": APIClient(),
        },
    }


# (method, url template, body, {role: expected status})
OWN_COPY = {"owner": 202, "classmate": 404, "teacher": 202, "other_teacher": 404, "staff": 202, "anonymous": 401}
MATRIX = [
    ("get", "assignments/{a}/checks/", None,
     {"owner": 403, "classmate": 403, "teacher": 200, "other_teacher": 404, "staff": 200, "anonymous": 401}),
    ("post", "assignments/{a}/checks/", {"name": "new", "node": "pc2", "command": "true"},
     {"owner": 403, "classmate": 403, "teacher": 201, "other_teacher": 404, "staff": 201, "anonymous": 401}),
    ("patch", "assignments/{a}/checks/{check}/", {"hint": "look again"},
     {"owner": 403, "classmate": 403, "teacher": 200, "other_teacher": 404, "staff": 200, "anonymous": 401}),
    ("post", "copies/{copy}/check/", None, OWN_COPY),
    ("get", "copies/{copy}/checks/", None, {k: 200 if v == 202 else v for k, v in OWN_COPY.items()}),
    ("post", "assignments/{a}/check-all/", None,
     {"owner": 403, "classmate": 403, "teacher": 202, "other_teacher": 404, "staff": 202, "anonymous": 401}),
    ("get", "assignments/{a}/grades/", None,
     {"owner": 403, "classmate": 403, "teacher": 200, "other_teacher": 404, "staff": 200, "anonymous": 401}),
    ("post", "assignments/{a}/prepare/", {"seats": 0},
     {"owner": 403, "classmate": 403, "teacher": 202, "other_teacher": 404, "staff": 202, "anonymous": 401}),
    ("get", "assignments/{a}/pool/", None,
     {"owner": 403, "classmate": 403, "teacher": 200, "other_teacher": 404, "staff": 200, "anonymous": 401}),
    ("delete", "assignments/{a}/checks/{check}/", None,
     {"owner": 403, "classmate": 403, "teacher": 204, "other_teacher": 404, "staff": 404, "anonymous": 401}),
]


@pytest.mark.parametrize(("method", "template", "body", "expected"), MATRIX, ids=[m[0] + " " + m[1] for m in MATRIX])
def test_second_round_role_matrix(room, method, template, body, expected):
    a = room["a"]
    url = a.url + template.format(a=a.assignment["id"], check=room["check"]["id"], copy=room["copy"])
    for role, client in room["roles"].items():
        if role == "staff" and method == "delete":
            continue  # the teacher deleted it a moment ago; covered by the 404 entry
        if method == "post" and template.endswith("checks/") and expected[role] == 201:
            body = body | {"name": f"new by {role}"}
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected[role], f"{role} {method} {url}: {response.content[:200]}"


def test_run_results_are_only_for_who_may_see_the_copy(room):
    a, roles = room["a"], room["roles"]
    response = roles["owner"].post(f"{a.url}copies/{room['copy']}/check/")
    run_id = response.json()["operation"]
    assert CheckRun.objects.filter(pk=run_id, copy_id=room["copy"]).exists()
    url = f"{a.url}check-runs/{run_id}/"
    for role, status in {"owner": 200, "teacher": 200, "classmate": 404, "other_teacher": 404,
                         "anonymous": 401}.items():
        assert roles[role].get(url).status_code == status, role


def test_checks_and_instructions_input_is_validated(room):
    a, teacher = room["a"], room["roles"]["teacher"]
    url = f"{a.url}assignments/{a.assignment['id']}/checks/"
    bad = [
        ({"name": "x", "node": "nope", "command": "true"}, "node"),
        ({"name": "x", "node": "pc1"}, "command"),
        ({"name": "x", "node": "pc1", "command": "true", "expect": {"exit_code": "zero"}}, "expect"),
        ({"name": "x", "node": "pc1", "command": "true", "expect": {"output_regex": "("}}, "expect"),
        ({"name": "x", "node": "pc1", "command": "true", "expect": {"magic": 1}}, "expect"),
        ({"name": "x", "node": "pc1", "kind": "reaches"}, "target"),
        ({"name": "x", "node": "pc1", "kind": "reaches", "target": "10.0.0.300"}, "target"),
        ({"name": "x", "node": "pc1", "kind": "route", "target": "not-a-prefix"}, "target"),
        ({"name": "pc1 up", "node": "pc1", "command": "true"}, "name"),
        ({"name": "x", "node": "pc1", "command": "true", "timeout": 600}, "timeout"),
    ]
    for body, field in bad:
        response = teacher.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json(), (body, response.content)
    ok = teacher.post(url, {"name": "default", "node": "pc1", "kind": "route", "target": "default"}, format="json")
    assert ok.status_code == 201, ok.content

    assignment = f"{a.url}assignments/{a.assignment['id']}/"
    response = teacher.patch(
        assignment, {"instructions": "# Lab\nGive **pc2** 10.0.0.3", "due": "2027-01-10T12:00:00Z"}, format="json"
    )
    assert response.status_code == 200, response.content
    seen = room["roles"]["owner"].get(assignment).json()
    assert seen["instructions"].startswith("# Lab") and seen["due"].startswith("2027-01-10")
    assert teacher.patch(assignment, {"due": "soon"}, format="json").status_code == 400


def test_instructions_render_without_raw_html(room):
    a, teacher = room["a"], room["roles"]["teacher"]
    url = f"{a.url}assignments/{a.assignment['id']}/"
    text = "# Lab\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[bad](javascript:alert(1)) **bold**"
    assert teacher.patch(url, {"instructions": text}, format="json").status_code == 200
    html = room["roles"]["owner"].get(url).json()["instructions_html"]
    assert "<h1>Lab</h1>" in html and "<strong>bold</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html


def test_assignment_for_project_tells_the_editor_what_to_show(room):
    a, roles = room["a"], room["roles"]
    sams = copy_of(a, roles["owner"])
    url = f"/api/assignment-for-project/{sams}/"
    body = roles["owner"].get(url).json()
    assert body["copy"] == room["copy"] and body["own_copy"] is True
    assert body["assignment"]["id"] == a.assignment["id"] and body["assignment"]["checks"] == 1
    assert "source" not in body["assignment"]
    teacher_view = roles["teacher"].get(url).json()
    assert teacher_view["copy"] == room["copy"] and teacher_view["own_copy"] is False
    original = roles["teacher"].get(f"/api/assignment-for-project/{a.lab['id']}/").json()
    assert original["copy"] is None
    for role in ("classmate", "other_teacher"):
        assert roles[role].get(url).status_code == 404, role
    assert roles["owner"].get(f"/api/assignment-for-project/{a.lab['id']}/").status_code == 404
    assert roles["anonymous"].get(url).status_code == 401
