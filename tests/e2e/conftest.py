"""Browser fixtures: Debian's Chromium driven by Playwright against a real running webgns stack.

The stack (Daphne + a Celery worker + Redis + dockerd on a throwaway database) comes from
tests/live_stack.py, or from an already running server named by $WEBGNS_E2E_BASE_URL with
$WEBGNS_E2E_USERNAME / $WEBGNS_E2E_PASSWORD. Every project a test creates is deleted through the API
afterwards, and any container still labelled with it is removed, even when the test fails. A failing
test leaves a screenshot of each of its pages in test-artifacts/.
"""

import contextlib
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

try:  # the lead's session fixture that runs the whole stack; importing it here registers it
    from tests.live_stack import live_stack  # noqa: F401
except ImportError:
    live_stack = None

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Stack:
    base_url: str
    username: str
    password: str
    token: str


def _token(base_url: str, username: str, password: str) -> str:
    response = requests.post(f"{base_url}/api/auth/token/", json={"username": username, "password": password},
                             timeout=10)
    response.raise_for_status()
    return response.json()["token"]


def _field(running: object, name: str) -> str:
    value = running.get(name) if isinstance(running, dict) else getattr(running, name, None)
    return value or ""


@pytest.fixture(scope="session")
def stack(request) -> Stack:
    base_url = os.environ.get("WEBGNS_E2E_BASE_URL")
    if base_url:
        username = os.environ.get("WEBGNS_E2E_USERNAME", "admin")
        password = os.environ["WEBGNS_E2E_PASSWORD"]
        base_url = base_url.rstrip("/")
        return Stack(base_url, username, password, _token(base_url, username, password))
    if live_stack is None:
        pytest.skip(reason="needs a running stack: tests/live_stack.py, or WEBGNS_E2E_BASE_URL and WEBGNS_E2E_PASSWORD")
    running = request.getfixturevalue("live_stack")
    if running is None or not _field(running, "base_url"):
        pytest.skip(reason="needs a running stack: tests/live_stack.py's live_stack fixture gave none")
    base_url = _field(running, "base_url").rstrip("/")
    username, password = _field(running, "username"), _field(running, "password")
    return Stack(base_url, username, password, _field(running, "token") or _token(base_url, username, password))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(reason=f"needs Debian's Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # Shot at the moment of failure, while the lab is still there (fixtures are torn down after this).
    if report.failed and report.when == "call":
        _save_screenshots(item, getattr(item, "e2e_pages", []), getattr(item, "e2e_errors", []))


def _save_screenshots(item, pages: list, errors: list[str]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.nodeid)
    for i, page in enumerate(pages):
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}-page{i}.png"), full_page=True)
        except Exception as error:  # a crashed page cannot be shot; say so instead
            (ARTIFACTS / f"{name}-page{i}.txt").write_text(f"no screenshot: {error}")
    if errors:
        (ARTIFACTS / f"{name}-errors.txt").write_text("\n".join(errors))


@pytest.fixture
def new_page(browser, request) -> Iterator[Callable]:
    """new_page(strict_csp=False) -> a fresh page in its own browser context (own cookies), 1400x900.

    Playwright's `wait_for_function` evaluates its predicate with `eval` inside the page, which the
    site's Content-Security-Policy (`script-src 'self'`) forbids; so pages ignore the CSP unless
    `strict_csp=True` (tests/e2e/test_content_security_policy.py drives the editor under the real policy).
    """
    contexts, pages = [], []
    errors: list[str] = []
    request.node.e2e_pages = pages
    request.node.e2e_errors = errors

    def make(strict_csp: bool = False):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=not strict_csp)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A script, style or socket the Content-Security-Policy blocked is a broken page too.
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        contexts.append(context)
        pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def api(stack) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {stack.token}"
    return session


@pytest.fixture
def cleanup_projects(stack, api) -> Iterator[list[str]]:
    """A list to append project ids to; each is deleted (and its containers removed) at teardown."""
    ids: list[str] = []
    yield ids
    for project_id in ids:
        api.delete(f"{stack.base_url}/api/projects/{project_id}/", timeout=60)
    _remove_leftover_containers(ids)


def _remove_leftover_containers(project_ids: list[str]) -> None:
    if not project_ids:
        return
    try:
        import docker
    except ImportError:
        return
    client = docker.from_env()
    try:
        deadline = time.monotonic() + 30
        for project_id in project_ids:
            # The worker removes them asynchronously after DELETE: give it a moment, then do it ourselves.
            # The low-level listing: the high-level one inspects each container and fails with 404
            # on one the worker removes in between.
            label = {"label": f"webgns.project={project_id}"}
            while time.monotonic() < deadline and client.api.containers(all=True, filters=label):
                time.sleep(0.5)
            for container in client.api.containers(all=True, filters=label):
                with contextlib.suppress(docker.errors.NotFound):
                    client.api.remove_container(container["Id"], force=True)
    finally:
        client.close()


def login(page, stack: Stack) -> None:
    page.goto(f"{stack.base_url}/")
    page.fill("#id_username", stack.username)
    page.fill("#id_password", stack.password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{stack.base_url}/")


@pytest.fixture
def logged_in(new_page, stack) -> Callable:
    """logged_in() -> a new page, logged in through the login form, on the project list."""

    def make():
        page = new_page()
        login(page, stack)
        return page

    return make


@pytest.fixture
def project(stack, api, cleanup_projects) -> dict:
    """A fresh empty project made through the API."""
    response = api.post(f"{stack.base_url}/api/projects/", json={"name": f"e2e-{uuid.uuid4().hex[:8]}"}, timeout=10)
    response.raise_for_status()
    created = response.json()
    cleanup_projects.append(created["id"])
    return created
