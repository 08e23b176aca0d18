"""GET /metrics: refused without the token (404 while no token is set, 403 with a wrong one), and with it
every metric family, with the values of a real course, lab, warm pool and Redis state."""

import json
import re
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from webgns.classrooms.models import Assignment
from webgns.labs.choices import NodeStatus, OperationKind, OperationStatus
from webgns.labs.models import ComputeHost, Node, Operation
from webgns.redis_client import redis_client

TOKEN = "scrape-" + uuid.uuid4().hex


def _scrape(client: Client) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_are_off_without_a_token(settings, db):
    settings.WEBGNS_METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_refuse_a_wrong_or_missing_token(settings, db):
    settings.WEBGNS_METRICS_TOKEN = TOKEN
    client = Client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 403


@pytest.fixture
def redis_state():
    """A queue no worker reads (a host of its own), a relayed console, a console slot and a live capture."""
    client, host, made = redis_client(), f"metrics-{uuid.uuid4().hex[:8]}", []
    ComputeHost.objects.create(name=host)
    made.append(f"compute.{host}")
    client.rpush(f"compute.{host}", "a", "b", "c")
    made.append(f"webgns:console:node:{uuid.uuid4()}")
    client.hset(made[-1], "session-1", json.dumps({"owner": "x", "size": None, "until": time.time() + 60}))
    client.hset(made[-1], "session-gone", json.dumps({"owner": "y", "size": None, "until": time.time() - 60}))
    made.append(f"webgns:console-slots:metrics-{uuid.uuid4().hex}")
    client.zadd(made[-1], {"slot": time.time() + 60})
    made.append(f"webgns:capture:alive:{uuid.uuid4()}")
    client.set(made[-1], 1, ex=60)
    yield host
    client.delete(*made)


def test_every_family_with_plausible_values(settings, classroom, redis_state):
    settings.WEBGNS_METRICS_TOKEN = TOKEN
    room = classroom(students=1)
    host = redis_state
    Node.objects.filter(pk=room.nodes[0]["id"]).update(status=NodeStatus.STARTED, compute_host=host)
    finished = Operation.objects.create(project_id=room.lab["id"], kind=OperationKind.PROJECT_STOP,
                                        status=OperationStatus.DONE)
    Operation.objects.filter(pk=finished.pk).update(created=timezone.now() - timedelta(seconds=3),
                                                    finished=timezone.now())
    Assignment.objects.filter(pk=room.assignment["id"]).update(pool_seats=2)
    silent = ComputeHost.objects.create(name=f"silent-{uuid.uuid4().hex[:6]}",
                                        last_seen=timezone.now() - timedelta(hours=1))
    client = Client()
    client.get("/api/no-such-thing/")  # one 404 more, counted by the middleware in Redis
    before = _scrape(client)
    client.get("/api/no-such-thing/")
    after = _scrape(client)

    assert after[("webgns_http_responses_total", (("status", "404"),))] == \
        before[("webgns_http_responses_total", (("status", "404"),))] + 1
    assert after[("webgns_http_responses_total", (("status", "200"),))] >= 1  # the first scrape
    assert after[("webgns_nodes", (("host", host), ("state", "started")))] == 1
    other_host = Node.objects.get(pk=room.nodes[1]["id"]).compute_host
    assert after[("webgns_nodes", (("host", other_host), ("state", "stopped")))] >= 1
    assert after[("webgns_operations", (("kind", "project.stop"), ("status", "done")))] == 1
    kind = ("kind", "project.stop")
    assert after[("webgns_operation_duration_seconds_count", (kind,))] == 1
    assert 2.5 < after[("webgns_operation_duration_seconds_sum", (kind,))] < 10
    assert after[("webgns_operation_duration_seconds_bucket", (kind, ("le", "2.5")))] == 0
    assert after[("webgns_operation_duration_seconds_bucket", (kind, ("le", "5.0")))] == 1
    assert after[("webgns_queue_depth", (("queue", f"compute.{host}"),))] == 3
    assert ("webgns_queue_depth", (("queue", "lab"),)) in after
    assert after[("webgns_console_sessions", ())] >= 1
    assert after[("webgns_console_slots", ())] >= 1
    assert after[("webgns_capture_sessions", ())] >= 1
    assert after[("webgns_pool_seats", (("state", "wanted"),))] == 2
    assert ("webgns_pool_seats", (("state", "ready"),)) in after
    assert after[("webgns_compute_host_up", (("host", host),))] == 1
    assert after[("webgns_compute_host_up", (("host", silent.name),))] == 0
    assert after[("webgns_redis_up", ())] == 1

    # The shipped Grafana dashboard asks only for series this endpoint exports.
    dashboard = (Path(__file__).resolve().parents[2] / "docs" / "grafana-webgns.json").read_text()
    exported = {name for name, _ in after}
    asked = set(re.findall(r"webgns_[a-z_]+", dashboard)) - {"webgns_overview"}
    assert asked and asked <= exported, asked - exported


@pytest.fixture
def redis_down(settings):
    """REDIS_URL at a port nothing listens on, for the counter's and the collector's clients."""
    import socket

    from webgns.ops import metrics

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    metrics._counter_client.cache_clear()
    redis_client.cache_clear()
    yield
    metrics._counter_client.cache_clear()
    redis_client.cache_clear()


def test_redis_down_neither_fails_requests_nor_the_scrape(settings, db, redis_down):
    settings.WEBGNS_METRICS_TOKEN = TOKEN
    began = time.monotonic()
    assert Client().get("/api/projects/").status_code in (401, 403)
    assert time.monotonic() - began < 1
    samples = _scrape(Client())
    assert samples[("webgns_redis_up", ())] == 0
    assert any(name == "webgns_operations" or name == "webgns_pool_seats" for name, _ in samples)
