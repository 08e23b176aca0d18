"""Security headers and cookie flags on pages and API responses (settings.py, webgns/ui/content_security_policy.py)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"


def assert_security_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'"  # no inline script may run
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


def test_headers_on_the_login_page_and_its_cookies():
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert_security_headers(page)
    csrf = page.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    assert not csrf["httponly"]  # the editor reads it to send X-CSRFToken


def test_session_cookie_flags_after_login():
    get_user_model().objects.create_user("dave", "dave@example.org", "dave-password-1")
    client = Client()
    response = client.post("/accounts/login/", {"username": "dave", "password": "dave-password-1"})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert not session["secure"]  # plain HTTP unless WEBGNS_HTTPS=1
    assert_security_headers(client.get("/"))


def test_headers_on_an_api_response(api):
    response = api.get("/api/projects/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_security_headers(Client().get("/api/projects/"))  # refusals too (401)


def test_https_makes_cookies_secure():
    import subprocess
    import sys

    code = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], check=True, text=True,
                         capture_output=True, env={**__import__("os").environ, "WEBGNS_HTTPS": "1"}).stdout
    assert out.split()[:2] == ["True", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in out


def test_the_api_docs_page_runs_without_inline_script(api):
    page = api.get("/api/docs/")
    assert page.status_code == 200
    assert not re.search(rb"<script>(?!\s*</script>)", page.content), "inline script would be blocked by CSP"


def test_the_built_editor_needs_no_inline_script():
    pages = list(DIST.glob("*.html")) + list((Path(__file__).resolve().parents[2] / "webgns" / "ui" / "templates")
                                              .rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {page}"
        assert not re.search(r"\son[a-z]+=\"", text), f"inline event handler in {page}"
