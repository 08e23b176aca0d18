"""Courses: staff create them and name teachers; teachers enroll students; each sees only their courses."""

import pytest

from tests.classrooms.conftest import post_ok

pytestmark = pytest.mark.django_db


def test_staff_create_course_with_teachers(staff_api, make_api):
    teacher = make_api("tina")
    course = post_ok(staff_api, "/api/courses/", {"name": "Routing 101", "teachers": ["tina"]})
    assert course["teachers"] == ["tina"] and course["students"] == 0
    assert course["student_node_limit"] == 20 and course["course_node_limit"] == 200
    assert course["role"] == "staff"
    mine = teacher.get("/api/courses/").json()
    assert [(c["name"], c["role"]) for c in mine] == [("Routing 101", "teacher")]


def test_only_staff_create_courses_or_change_quotas(classroom):
    room = classroom()
    response = room.teacher.post("/api/courses/", {"name": "mine"}, format="json")
    assert response.status_code == 403 and "staff" in response.json()["detail"]
    # Teachers may change limits only within staff's caps (second round: see test_running_a_class.py).
    response = room.teacher.patch(room.url, {"student_node_limit": 500}, format="json")
    assert response.status_code == 400 and "cap" in response.json()["student_node_limit"][0]
    assert room.teacher.patch(room.url, {"student_node_cap": 500}, format="json").status_code == 403
    assert room.teacher.get(room.url).json()["student_node_limit"] == 20


def test_bad_course_input(staff_api):
    response = staff_api.post("/api/courses/", {"name": "x", "teachers": ["nobody"]}, format="json")
    assert response.status_code == 400 and "teachers" in response.json()
    response = staff_api.post("/api/courses/", {"name": "x", "student_node_limit": 0}, format="json")
    assert response.status_code == 400 and "student_node_limit" in response.json()
    response = staff_api.post("/api/courses/", {"name": " "}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_staff_replace_teachers(classroom, make_api):
    room = classroom()
    staff = make_api("boss", staff=True)
    make_api("newt")
    body = staff.patch(room.url, {"teachers": ["newt"]}, format="json").json()
    assert body["teachers"] == ["newt"]
    assert room.teacher.get(room.url).status_code == 404, "a removed teacher no longer sees the course"
    student = room.students[0].user.username
    response = staff.patch(room.url, {"teachers": ["newt", student]}, format="json")
    assert response.status_code == 400 and student in str(response.json()["teachers"])


def test_enroll_one_student(classroom):
    room = classroom(students=0)
    body = post_ok(room.teacher, f"{room.url}students/", {"username": "new.kid", "email": "Kid@Example.org"})
    assert body["new_account"] is True and len(body["password"]) >= 12
    token = post_ok(
        room.teacher, "/api/auth/token/", {"username": "new.kid", "password": body["password"]}, status=200
    )
    assert token["token"]
    again = room.teacher.post(
        f"{room.url}students/", {"username": "new.kid", "email": "kid@example.org"}, format="json"
    )
    assert again.status_code == 200 and "password" not in again.json(), "a password is shown once only"
    listed = room.teacher.get(f"{room.url}students/").json()
    assert [(s["username"], s["email"]) for s in listed] == [("new.kid", "kid@example.org")]
    assert room.teacher.delete(f"{room.url}students/new.kid/").status_code == 204
    assert room.teacher.get(f"{room.url}students/").json() == []


def test_enroll_refuses_teacher_and_wrong_email(classroom):
    room = classroom(students=1)
    teacher = room.teacher.user
    response = room.teacher.post(
        f"{room.url}students/", {"username": teacher.username, "email": teacher.email}, format="json"
    )
    assert response.status_code == 400 and "teaches this course" in str(response.json())
    student = room.students[0].user
    other = classroom(students=0)
    response = other.teacher.post(
        f"{other.url}students/", {"username": student.username, "email": "x@y.org"}, format="json"
    )
    assert response.status_code == 400 and "another email" in str(response.json())


def test_openapi_schema_lists_course_routes(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/courses/{course_pk}/assignments/{id}/start/",
        "/api/courses/{course_pk}/students/import/",
        "/api/courses/{course_pk}/copies/{id}/reset/",
        "/api/courses/{course_pk}/audit/",
    ):
        assert path in paths
