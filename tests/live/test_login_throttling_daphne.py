"""Login throttling and security headers through a real Daphne (the ASGI path, where Django runs the
middleware chain asynchronously and django-axes answers through its async branch)."""

import re
import uuid

import pytest
import requests

pytestmark = pytest.mark.integration

LIMIT = 10  # settings.AXES_FAILURE_LIMIT's default; the live stack sets none


def test_api_and_login_page_lock_after_ten_failures(live_stack):
    user = live_stack.create_user(f"eve{uuid.uuid4().hex[:6]}")
    token_url, login_url = f"{live_stack.base_url}/api/auth/token/", f"{live_stack.base_url}/accounts/login/"
    assert requests.post(token_url, json={"username": user.username, "password": user.password}, timeout=10).ok
    statuses = [requests.post(token_url, json={"username": user.username, "password": f"wrong{i}"}, timeout=10)
                .status_code for i in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]
    locked = requests.post(token_url, json={"username": user.username, "password": user.password}, timeout=10)
    assert locked.status_code == 429 and "Too many failed logins" in locked.json()["detail"]

    browser = requests.Session()
    page = browser.get(login_url, timeout=10)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    refused = browser.post(login_url, data={"username": user.username, "password": user.password,
                                            "csrfmiddlewaretoken": csrf}, headers={"Referer": login_url}, timeout=10)
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.text
    assert "sessionid" not in browser.cookies
