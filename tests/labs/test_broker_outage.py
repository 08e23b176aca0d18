"""A request answered with an error never runs later (issue 22, item 6): with the task broker down,
a node restart answers 503 with words within seconds (it was a 500 after 19 s), its operation is
failed in that same request, and reconcile's resend of lost messages never sends it."""

import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.labs.factories import create_node, create_project
from tests.waiting import wait_for
from webgns.labs.models import Node, Operation

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _use_broker(app, url: str) -> None:
    app.conf.broker_url = url
    app._pool = None  # the connection and producer pools were made for the old URL
    app.amqp._producer_pool = None


def _start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                                    text=True).stdout.strip() == "PONG", timeout=20, what="redis-server up")
    return server


@pytest.fixture
def own_broker():
    """The Celery app publishes to a Redis of this test's own: (port, server), restartable."""
    from webgns.celery import app

    port, old = _free_port(), app.conf.broker_url
    servers = [_start_redis(port)]
    _use_broker(app, f"redis://127.0.0.1:{port}/0")
    try:
        yield port, servers
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
        _use_broker(app, old)


@pytest.fixture
def broker_gone():
    """The Celery app publishes to a Redis of this test's own, which is then stopped."""
    from webgns.celery import app

    port = _free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    old = app.conf.broker_url
    try:
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                                        text=True).stdout.strip() == "PONG", timeout=20, what="redis-server up")
        _use_broker(app, f"redis://127.0.0.1:{port}/0")
        server.terminate()
        server.wait(timeout=20)
        yield
    finally:
        if server.poll() is None:
            server.kill()
        _use_broker(app, old)


def test_a_refused_restart_never_runs_later(api, templates, broker_gone):
    project = create_project(api)
    node = create_node(api, project, templates["busybox"], "n2")
    began = time.monotonic()
    response = api.post(f"/api/projects/{project['id']}/nodes/{node['id']}/restart/")
    took = time.monotonic() - began
    assert response.status_code == 503, response.content
    assert "broker" in response.json()["detail"] and response["Retry-After"]
    assert took < 8, f"took {took:.1f} s"
    (op,) = Operation.objects.filter(project_id=project["id"])
    assert op.status == "error" and op.finished is not None and "broker" in op.error


def test_reconcile_does_not_resend_a_refused_operation(api, templates, broker_gone):
    from webgns.tasks.claims import resend_unclaimed

    project = create_project(api)
    node = create_node(api, project, templates["busybox"], "n2")
    assert api.post(f"/api/projects/{project['id']}/nodes/{node['id']}/start/").status_code == 503
    (op,) = Operation.objects.filter(project_id=project["id"])
    # As old as a lost message reconcile would send again.
    Operation.objects.filter(pk=op.pk).update(created=timezone.now() - timedelta(minutes=5))
    assert str(op.pk) not in resend_unclaimed()


def test_the_first_start_after_a_redis_restart_goes_through(api, templates, own_broker):
    port, servers = own_broker
    project = create_project(api)
    one, two = (create_node(api, project, templates["busybox"], name) for name in ("n1", "n2"))
    assert api.post(f"/api/projects/{project['id']}/nodes/{one['id']}/start/").status_code == 202
    servers[0].terminate()
    servers[0].wait(timeout=20)
    servers.append(_start_redis(port))
    # The pooled connection is stale: one reconnect, and the task is handed over.
    response = api.post(f"/api/projects/{project['id']}/nodes/{two['id']}/start/")
    assert response.status_code == 202, response.content
    assert subprocess.run(["redis-cli", "-p", str(port), "llen", "compute." + Node.objects.get(
        pk=two["id"]).compute_host], capture_output=True, text=True).stdout.strip() == "1"
