"""Auth: token and session logins work, anonymous requests are refused, bad passwords too."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob():
    return get_user_model().objects.create_user("bob", "bob@example.org", "correct-horse")


def test_anonymous_is_refused():
    for url in ("/api/projects/", "/api/templates/", "/api/compute/"):
        assert APIClient().get(url).status_code in (401, 403)


def test_token_login_then_use(bob):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "bob", "password": "correct-horse"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/projects/").status_code == 200


def test_token_login_wrong_password(bob):
    response = APIClient().post("/api/auth/token/", {"username": "bob", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_bad_token_refused(bob):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert client.get("/api/projects/").status_code == 401


def test_session_login_and_csrf(bob):
    client = APIClient(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post("/accounts/login/", {"username": "bob", "password": "correct-horse",
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/api/projects/").status_code == 200
    # An unsafe request without the CSRF header is refused under session auth.
    assert client.post("/api/projects/", {"name": "x"}, format="json").status_code == 403
    ok = client.post("/api/projects/", {"name": "x"}, format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert ok.status_code == 201


def test_staff_creates_users(staff_api, api):
    body = {"username": "carol", "email": "c@example.org", "password": "a-long-password"}
    assert api.post("/api/users/", body, format="json").status_code == 403
    response = staff_api.post("/api/users/", body, format="json")
    assert response.status_code == 201
    assert "password" not in response.json()
    assert get_user_model().objects.get(username="carol").check_password("a-long-password")
    assert staff_api.post("/api/users/", {**body, "password": "short"}, format="json").status_code == 400
