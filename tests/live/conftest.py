"""Fixtures for the websocket tests: an ASGI communicator factory and a running one-node lab.

The lab is started through the real REST API and a real Celery worker (engine, dockerd), so the
console attaches to the container the engine made. `live_stack` (a real Daphne + worker) is
re-exported from tests/live_stack.py for the end-to-end tests of this package.
"""

import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import docker
import pytest
from channels.testing import WebsocketCommunicator

from tests.conftest import wait_for
from tests.labs.factories import create_node, create_project
from tests.live_stack import live_stack  # noqa: F401 - a fixture, used by name

HOST = (b"host", b"127.0.0.1")
ORIGIN = (b"origin", b"http://127.0.0.1")  # the same origin as HOST: what a page of this site sends


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A new channel-layer object per test: each async test has its own event loop, and a Redis
    layer that once received on another (now closed) loop refuses or hangs on the next one."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def communicator() -> Callable[..., WebsocketCommunicator]:
    """communicator(path, token=..., headers=...) -> a WebsocketCommunicator on the real ASGI app."""
    from webgns.asgi import application

    def make(path: str, *, token: str | None = None, headers: list | None = None, **query) -> WebsocketCommunicator:
        params = {**query, **({"token": token} if token else {})}
        full = f"{path}?{urlencode(params)}" if params else path
        return WebsocketCommunicator(application, full, headers=headers if headers is not None else [HOST, ORIGIN])

    return make


def token_of(api) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get(user=api.user).key


def wait_node_status(api, project: dict, node: dict, status: str, timeout: float = 60) -> dict:
    def current():
        body = api.get(f"/api/projects/{project['id']}/nodes/{node['id']}/").json()
        assert body["status"] != "error", body
        return body if body["status"] == status else None

    return wait_for(current, timeout=timeout, what=f"node {node['name']} {status}")


def wait_operation(api, operation_id: str, timeout: float = 60) -> dict:
    def finished():
        body = api.get(f"/api/operations/{operation_id}/").json()
        return body if body["status"] in ("done", "error") else None

    return wait_for(finished, timeout=timeout, what=f"operation {operation_id} finished")


@pytest.fixture
def stopped_lab(worker, api, templates):
    """A project with one (stopped) busybox node; deleted with its containers afterwards."""
    project = create_project(api, f"live-{uuid.uuid4().hex[:6]}")
    node = create_node(api, project, templates["busybox"], "pc1")
    yield {"project": project, "node": node, "api": api, "token": token_of(api)}
    api.delete(f"/api/projects/{project['id']}/")
    client = docker.from_env()
    # The low-level listing: the high-level one inspects each container and fails with 404 on one
    # the worker removes in between.
    wait_for(lambda: not client.api.containers(all=True, filters={"label": f"webgns.project={project['id']}"}),
             timeout=60, what="the lab's containers removed")


def start_project(api, project: dict) -> dict:
    response = api.post(f"/api/projects/{project['id']}/start/")
    assert response.status_code == 202, response.content
    return wait_operation(api, response.json()["operation"])


@pytest.fixture
def started_lab(stopped_lab):
    """stopped_lab, started by the worker."""
    lab = stopped_lab
    assert start_project(lab["api"], lab["project"])["status"] == "done"
    lab["node"] = wait_node_status(lab["api"], lab["project"], lab["node"], "started")
    return lab
