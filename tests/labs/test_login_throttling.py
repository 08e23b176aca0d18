"""Login throttling (django-axes) on both ways in: the session login page and POST /api/auth/token/.

Real requests through the whole middleware stack and the real authentication backends; axes's
counters live in the test database, so each test starts with none.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password"


@pytest.fixture
def user():
    return get_user_model().objects.create_user("carol", "carol@example.org", PASSWORD)


def token_request(client: Client, password: str, address: str = "10.1.2.3"):
    return client.post("/api/auth/token/", {"username": "carol", "password": password},
                       content_type="application/json", REMOTE_ADDR=address)


def login_page(client: Client, password: str, address: str = "10.1.2.3"):
    return client.post("/accounts/login/", {"username": "carol", "password": password}, REMOTE_ADDR=address)


def test_ten_wrong_passwords_lock_the_api_even_with_the_right_one(user, settings):
    client = Client()
    assert token_request(client, PASSWORD).status_code == 200
    statuses = [token_request(client, f"wrong-{i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429  # the attempt that reaches the limit is already refused as such
    locked = token_request(client, PASSWORD)
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert "too many failed logins" in locked.json()["detail"].lower()
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "token" not in locked.json()


def test_the_lock_holds_on_the_login_page_too_with_a_message(user, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        token_request(client, f"wrong-{i}")
    page = login_page(client, PASSWORD)
    assert page.status_code == 429
    assert b"Too many failed logins" in page.content
    assert b'name="password"' in page.content  # the form is still there
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_on_the_login_page_lock_it(user, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_page(client, f"wrong-{i}").status_code == 200  # the form again, with its error
    assert login_page(client, "wrong-last").status_code == 429
    assert login_page(client, PASSWORD).status_code == 429
    assert token_request(client, PASSWORD).status_code == 429


def test_the_lock_is_per_username_and_address(user, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        token_request(client, f"wrong-{i}", address="10.9.9.9")
    assert token_request(client, PASSWORD, address="10.9.9.9").status_code == 429
    # A classmate behind another address (or the user from home) is not locked out.
    assert token_request(client, PASSWORD, address="10.1.1.1").status_code == 200


def test_a_success_resets_the_count(user, settings):
    client = Client()
    for _round in range(3):
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            assert token_request(client, f"wrong-{i}").status_code == 400
        assert token_request(client, PASSWORD).status_code == 200
