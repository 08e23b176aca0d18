"""Staff and teachers run a class in the app: accounts, passwords, quotas within caps, the landing page.

Each password returned is checked by logging in with it (and the old one failing), through
Django's own authentication.
"""

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db


def logs_in(username: str, password: str) -> bool:
    # With a request, as every real login has one (the login throttle needs it).
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password) is not None


def test_staff_create_accounts_and_reset_passwords(make_api, staff_api):
    teacher = make_api("tina")
    created = staff_api.post("/api/people/", {"username": "newbie", "email": "NEWBIE@example.org"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["email"] == "newbie@example.org" and body["is_staff"] is False
    assert logs_in("newbie", body["password"])
    again = staff_api.post("/api/people/", {"username": "newbie", "email": "x@example.org"}, format="json")
    assert again.status_code == 400 and "username" in again.json()
    bad = staff_api.post("/api/people/", {"username": "no spaces", "email": "x@example.org"}, format="json")
    assert bad.status_code == 400 and "username" in bad.json()
    reset = staff_api.post("/api/people/newbie/reset-password/").json()
    assert logs_in("newbie", reset["password"]) and not logs_in("newbie", body["password"])
    assert "newbie" in [u["username"] for u in staff_api.get("/api/people/").json()]
    # Nobody else manages accounts.
    assert teacher.get("/api/people/").status_code == 403
    assert teacher.post("/api/people/", {"username": "x", "email": "x@example.org"}, format="json").status_code == 403
    assert teacher.post("/api/people/newbie/reset-password/").status_code == 403


def _roster_account(room, username: str):
    """A student account the course's roster makes (the only kind a teacher may reset)."""
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    made = room.teacher.post(f"{room.url}students/", {"username": username, "email": f"{username}@example.org"},
                             format="json")
    assert made.status_code == 201 and made.json()["new_account"], made.content
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def test_teacher_resets_students_passwords_not_colleagues(classroom, make_api, staff_api):
    room = classroom(students=0)
    sam = _roster_account(room, "sam")
    _roster_account(room, "sue")
    one = room.teacher.post(f"{room.url}students/sam/reset-password/")
    assert one.status_code == 200 and logs_in("sam", one.json()["password"])
    # A student who also teaches elsewhere (or is staff) is refused: the teacher could take over their account.
    other = classroom(students=0)
    staff_api.patch(other.url, {"teachers": [other.teacher.user.username, "sue"]}, format="json")
    refused = room.teacher.post(f"{room.url}students/sue/reset-password/")
    assert refused.status_code == 403 and "teaches" in refused.json()["detail"]
    assert sam.post(f"{room.url}students/sue/reset-password/").status_code == 403
    assert other.teacher.post(f"{room.url}students/sam/reset-password/").status_code == 404
    everyone = room.teacher.post(f"{room.url}students/reset-passwords/", {}, format="json").json()
    assert [p["username"] for p in everyone["passwords"]] == ["sam"]
    assert [s["username"] for s in everyone["skipped"]] == ["sue"]
    assert logs_in("sam", everyone["passwords"][0]["password"])


def test_teachers_change_limits_within_staff_caps(classroom, staff_api):
    room = classroom(students=0)
    course = room.teacher.get(room.url).json()
    assert (course["student_node_limit"], course["student_node_cap"]) == (20, 20)
    assert staff_api.patch(room.url, {"student_node_cap": 30, "course_node_cap": 300}, format="json").status_code == 200
    ok = room.teacher.patch(room.url, {"student_node_limit": 25, "course_node_limit": 250}, format="json")
    assert ok.status_code == 200 and ok.json()["student_node_limit"] == 25
    over = room.teacher.patch(room.url, {"student_node_limit": 31}, format="json")
    assert over.status_code == 400 and "30" in over.json()["student_node_limit"][0]
    for body in ({"student_node_cap": 100}, {"name": "mine"}, {"student_node_limit": 5, "teachers": []}):
        assert room.teacher.patch(room.url, body, format="json").status_code == 403, body
    # Staff raising a limit past its cap raise the cap; lowering a cap pulls the limit down.
    raised = staff_api.patch(room.url, {"student_node_limit": 40}, format="json").json()
    assert (raised["student_node_limit"], raised["student_node_cap"]) == (40, 40)
    lowered = staff_api.patch(room.url, {"student_node_cap": 10}, format="json").json()
    assert (lowered["student_node_limit"], lowered["student_node_cap"]) == (10, 10)
    made = staff_api.post("/api/courses/", {"name": "Big", "student_node_limit": 50}, format="json").json()
    assert (made["student_node_limit"], made["student_node_cap"]) == (50, 50)


def test_course_members_land_on_their_courses(classroom, make_api):
    room = classroom(students=1)
    student = room.students[0].user
    browser = Client()
    browser.force_login(student)
    assert browser.get("/welcome/")["Location"] == f"/courses/{room.course['id']}/"
    second = classroom(students=0)
    from webgns.classrooms.models import Enrollment

    Enrollment.objects.create(course_id=second.course["id"], user=student, role="student")
    assert browser.get("/welcome/")["Location"] == "/courses/"
    loner = make_api("loner").user
    browser.force_login(loner)
    assert browser.get("/welcome/")["Location"] == "/"
    for page in ("/people/", "/courses/"):
        assert browser.get(page).status_code == 200


def test_login_leads_to_welcome(settings):
    assert settings.LOGIN_REDIRECT_URL == "/welcome/"
