"""Fixtures shared by every test package: users, authenticated API clients, built-in templates,
and a real Celery worker (in-process thread, real Redis broker) for tests that drive the host."""

import io
import os
from collections.abc import Callable

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.waiting import wait_for  # noqa: F401 - the tests import it from here

os.environ.setdefault("WEBGNS_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def templates(db) -> dict:
    from webgns.labs.models import Template

    call_command("seed_templates", stdout=io.StringIO())
    return {t.name: t for t in Template.objects.all()}


def _client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def make_api(db) -> Callable[..., APIClient]:
    """make_api("alice") -> an API client authenticated with a real token as that (new) user."""
    from django.contrib.auth import get_user_model

    def make(username: str, *, staff: bool = False) -> APIClient:
        user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-" + username * 2,
                                                    is_staff=staff)
        return _client_for(user)

    return make


@pytest.fixture
def api(make_api) -> APIClient:
    return make_api("alice")


@pytest.fixture
def staff_api(make_api) -> APIClient:
    return make_api("root", staff=True)


@pytest.fixture(scope="session")
def celery_app_live():
    from webgns.celery import app

    return app


@pytest.fixture(scope="session")
def _session_worker(celery_app_live, django_db_blocker):
    """One real Celery worker thread for the session, consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    celery_app_live.conf.broker_url = os.environ["WEBGNS_REDIS_URL"]
    celery_app_live.conf.result_backend = os.environ["WEBGNS_REDIS_URL"]
    import redis

    redis.Redis.from_url(os.environ["WEBGNS_REDIS_URL"]).flushdb()  # no stale tasks from an aborted run
    from django.conf import settings

    from webgns.tasks.queues import COORDINATOR_QUEUE, compute_queue, exec_queue, pool_queue

    # Every queue of this host: the coordinator's, lab operations, exec and the warm pool's resumes
    # (production runs one worker for the first two, one for exec and one for the pool).
    host = settings.WEBGNS_COMPUTE_HOST
    with start_worker(celery_app_live, pool="solo", perform_ping_check=False, shutdown_timeout=60,
                      queues=[COORDINATOR_QUEUE, compute_queue(host), exec_queue(host), pool_queue(host)],
                      loglevel="WARNING"):
        yield


@pytest.fixture
def worker(_session_worker, transactional_db):
    """A real worker for this test; the test's database is visible to it (transactional_db)."""
    yield




def pytest_collection_modifyitems(config, items) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main thread
    for the rest of the session, which the asyncio tests (websockets) cannot share."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))
