"""Who sees and touches what: students, teachers of this course and of another, through every API.

A project one may not see answers 404 (its existence is not confirmed); an action one's role
lacks on something one may see answers 403.
"""

import pytest

from webgns.labs import access
from webgns.labs.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_courses(classroom):
    a, b = classroom(students=2), classroom(students=1)
    for room in (a, b):
        for student in room.students:
            assert room.start(student).status_code == 202
    return a, b


def copy_of(room, student) -> str:
    body = student.get(f"{room.url}assignments/{room.assignment['id']}/").json()
    return body["my_copy"]["project"]


def test_student_sees_own_copy_only(two_courses):
    a, b = two_courses
    sam, sue = a.students
    sams = copy_of(a, sam)
    assert [p["id"] for p in sam.get("/api/projects/").json()] == [sams]
    assert sam.get(f"/api/projects/{sams}/nodes/").status_code == 200
    for other in (copy_of(a, sue), copy_of(b, b.students[0]), a.lab["id"]):
        url = f"/api/projects/{other}/"
        assert sam.get(url).status_code == 404
        assert sam.patch(url, {"name": "mine"}, format="json").status_code == 404
        assert sam.post(f"{url}start/").status_code == 404
        assert sam.get(f"{url}export/").status_code == 404
        assert sam.delete(url).status_code == 404
    assert sam.get(b.url).status_code == 404, "another course"
    assert sam.get(f"{b.url}assignments/").status_code == 404
    assert sam.post(f"{b.url}assignments/{b.assignment['id']}/start/").status_code == 404


def test_student_cannot_act_as_teacher(two_courses):
    a, _ = two_courses
    sam = a.students[0]
    assert sam.get(a.url).json()["role"] == "student"
    for url in ("students/", "copies/", "audit/"):
        assert sam.get(a.url + url).status_code == 403, url
    assert sam.post(f"{a.url}copies/stop-all/").status_code == 403
    assert sam.post(f"{a.url}copies/delete-all/").status_code == 403
    response = sam.post(f"{a.url}assignments/", {"title": "x", "source": copy_of(a, sam)}, format="json")
    assert response.status_code == 403
    assert (
        sam.patch(
            f"{a.url}assignments/{a.assignment['id']}/", {"published": False}, format="json"
        ).status_code
        == 403
    )
    body = sam.get(f"{a.url}assignments/{a.assignment['id']}/").json()
    assert "source" not in body, "students are not told where the original is"


def test_teacher_sees_and_changes_own_students_copies_only(two_courses):
    a, b = two_courses
    copies = a.teacher.get(f"{a.url}copies/").json()
    assert sorted(c["student"] for c in copies) == sorted(s.user.username for s in a.students)
    assert all(c["status"] == "stopped" and len(c["nodes"]) == 2 for c in copies)
    sams = copy_of(a, a.students[0])
    visible = {p["id"] for p in a.teacher.get("/api/projects/").json()}
    assert visible == {a.lab["id"], *(c["project"] for c in copies)}
    response = a.teacher.patch(f"/api/projects/{sams}/", {"name": "checked"}, format="json")
    assert response.status_code == 200
    assert a.teacher.get(f"/api/projects/{sams}/nodes/").status_code == 200
    # Course B: its page, its copies, its students' projects are all invisible to A's teacher.
    assert a.teacher.get(b.url).status_code == 404
    assert a.teacher.get(f"{b.url}copies/").status_code == 404
    bobs = copy_of(b, b.students[0])
    assert a.teacher.get(f"/api/projects/{bobs}/").status_code == 404
    assert a.teacher.post(f"/api/projects/{bobs}/stop/").status_code == 404


def test_access_functions_used_by_websockets(two_courses):
    """Both websockets decide with labs.access.can_view/can_change: the same matrix holds there."""
    a, b = two_courses
    sam, sue = a.students
    sams = Project.objects.get(pk=copy_of(a, sam))
    original = Project.objects.get(pk=a.lab["id"])
    assert access.can_view(sam.user, sams) and access.can_change(sam.user, sams)
    assert not access.can_view(sue.user, sams) and not access.can_change(sue.user, sams)
    assert not access.can_view(sam.user, original)
    assert access.can_view(a.teacher.user, sams) and access.can_change(a.teacher.user, sams)
    assert not access.can_view(b.teacher.user, sams) and not access.can_change(b.teacher.user, sams)


def test_co_teacher_sees_original_but_cannot_change_it(classroom, make_api):
    room = classroom(students=0)
    staff = make_api("dean", staff=True)
    co = make_api("co")
    staff.patch(room.url, {"teachers": [room.teacher.user.username, "co"]}, format="json")
    url = f"/api/projects/{room.lab['id']}/"
    assert co.get(url).status_code == 200
    assert co.patch(url, {"name": "taken"}, format="json").status_code == 403


def test_unpublished_assignment_is_hidden_from_students(classroom):
    room = classroom(students=1, published=False)
    student = room.students[0]
    assert student.get(f"{room.url}assignments/").json() == []
    assert room.start(student).status_code == 404
    assert len(room.teacher.get(f"{room.url}assignments/").json()) == 1
