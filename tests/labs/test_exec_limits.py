"""Exec limits at the API: the timeout cap (WEBGNS_EXEC_TIMEOUT_MAX) and at most
WEBGNS_EXEC_PER_USER commands of one user in flight (429 beyond, other users unaffected)."""

from contextlib import ExitStack

import pytest
from django.conf import settings

from tests.labs.factories import create_node, create_project
from webgns.labs.exec_slots import TooManyExecs, exec_slot


@pytest.fixture
def started_node(api, templates):
    from webgns.labs.models import Node

    project = create_project(api, "exec")
    node = create_node(api, project, templates["busybox"], "pc1")
    Node.objects.filter(pk=node["id"]).update(status="started")  # the limits apply before any worker
    return f"/api/projects/{project['id']}/nodes/{node['id']}/exec/"


def test_exec_timeout_above_the_cap_is_400(api, started_node):
    assert settings.WEBGNS_EXEC_TIMEOUT_MAX == 120
    response = api.post(started_node, {"command": "true", "timeout": 121}, format="json")
    assert response.status_code == 400 and "timeout" in response.json()


def test_exec_beyond_the_per_user_limit_is_429(api, started_node):
    with ExitStack() as held:
        for _ in range(settings.WEBGNS_EXEC_PER_USER):
            held.enter_context(exec_slot(api.user.pk, 30))
        response = api.post(started_node, {"command": "true", "timeout": 5}, format="json")
        assert response.status_code == 429
        assert "WEBGNS_EXEC_PER_USER" in response.json()["detail"]
        # Someone else's commands are not counted against this user.
        with exec_slot("someone-else", 30):
            pass


def test_exec_slots_free_on_exit_and_expire():
    with ExitStack() as held:
        for _ in range(settings.WEBGNS_EXEC_PER_USER):
            held.enter_context(exec_slot("carol", 30))
        with pytest.raises(TooManyExecs), exec_slot("carol", 30):
            pass
    with exec_slot("carol", 30):  # all freed on exit
        pass
    # A slot whose holder died (never released) stops counting once its time is up.
    from webgns.labs.exec_slots import _redis

    _redis().zadd("webgns:exec-slots:dave", {f"dead{i}": 1.0 for i in range(settings.WEBGNS_EXEC_PER_USER)})
    with exec_slot("dave", 30):
        pass
