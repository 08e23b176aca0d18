"""Enrolling an account never hands it to the teacher (issue 22, item 2): a teacher resets only the
password of an account their course's roster made and that nobody else's course or lab uses, and a
reset ends the old token and session."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.classrooms.conftest import post_ok
from tests.labs.factories import create_project

pytestmark = pytest.mark.django_db


def _reset(room, username: str):
    return room.teacher.post(f"{room.url}students/{username}/reset-password/")


def test_enrolling_an_existing_account_gives_no_reset(classroom, make_api):
    room = classroom(students=0)
    victim = make_api("prbB")
    create_project(victim, "private work")
    enrolled = room.teacher.post(f"{room.url}students/", {"username": "prbB", "email": victim.user.email},
                                 format="json")
    assert enrolled.status_code == 201 and enrolled.json()["new_account"] is False
    refused = _reset(room, "prbB")
    assert refused.status_code == 403 and "not made by this course" in refused.json()["detail"]
    bulk = room.teacher.post(f"{room.url}students/reset-passwords/", {}, format="json").json()
    assert bulk["passwords"] == [] and [s["username"] for s in bulk["skipped"]] == ["prbB"]
    # The victim's token still works: nothing about the account changed.
    assert victim.get("/api/projects/").status_code == 200


def test_a_course_made_account_is_the_teachers_to_reset_until_someone_else_uses_it(classroom, make_api):
    room = classroom(students=0)
    post_ok(room.teacher, f"{room.url}students/", {"username": "kid", "email": "kid@example.org"})
    assert _reset(room, "kid").status_code == 200
    # In another teacher's course too: that teacher's student as well, no longer this teacher's alone.
    other = classroom(students=0)
    post_ok(other.teacher, f"{other.url}students/", {"username": "kid", "email": "kid@example.org"})
    refused = _reset(room, "kid")
    assert refused.status_code == 403 and "do not teach" in refused.json()["detail"]
    other.teacher.delete(f"{other.url}students/kid/")
    assert _reset(room, "kid").status_code == 200
    # Labs of their own: the account is the student's, not only the course's.
    kid = APIClient()
    kid.force_authenticate(get_user_model().objects.get(username="kid"))
    create_project(kid, "mine")
    refused = _reset(room, "kid")
    assert refused.status_code == 403 and "labs of their own" in refused.json()["detail"]
    # Made by another course: not this one's to reset, even when enrolled here.
    third = classroom(students=0)
    post_ok(third.teacher, f"{third.url}students/", {"username": "kid2", "email": "kid2@example.org"})
    post_ok(room.teacher, f"{room.url}students/", {"username": "kid2", "email": "kid2@example.org"})
    assert _reset(room, "kid2").status_code == 403


def test_a_reset_ends_the_old_token_and_session(classroom):
    room = classroom(students=0)
    made = post_ok(room.teacher, f"{room.url}students/", {"username": "pat", "email": "pat@example.org"})
    password = made["password"]
    token = APIClient().post("/api/auth/token/", {"username": "pat", "password": password}, format="json")
    assert token.status_code == 200, token.content
    by_token = APIClient(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    browser = Client()
    browser.post("/accounts/login/", {"username": "pat", "password": password})
    assert by_token.get("/api/projects/").status_code == 200 and browser.get("/api/projects/").status_code == 200
    new = _reset(room, "pat").json()["password"]
    assert by_token.get("/api/projects/").status_code == 401
    assert browser.get("/api/projects/").status_code in (401, 403)
    assert not Token.objects.filter(user__username="pat").exists()
    again = APIClient().post("/api/auth/token/", {"username": "pat", "password": new}, format="json")
    assert again.status_code == 200 and again.json()["token"] != token.json()["token"]
