"""Labs across compute hosts, the parts without containers: task routing to each host's queue
(through the real Redis broker), VNI allocation, per-end link state, operation parts, the
underlay-address setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings

from tests.labs.factories import create_link, create_node, create_project


@pytest.fixture
def broker():
    """The test Redis (the Celery broker of these tests), its host queues emptied before and after."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def clear():
        for key in client.scan_iter("compute.*"):
            client.delete(key)
        for key in client.scan_iter("exec.*"):
            client.delete(key)
        client.delete("lab")

    clear()
    yield client
    clear()


def _on(node: dict, host: str) -> dict:
    from webgns.labs.models import Node

    Node.objects.filter(pk=node["id"]).update(compute_host=host)
    return {**node, "compute_host": host}


def _queued(client: redis.Redis, queue: str) -> list[str]:
    import json

    # Kombu pushes on the left: oldest first after reversing.
    return [json.loads(m)["headers"]["task"] for m in reversed(client.lrange(queue, 0, -1))]


@pytest.fixture
def two_host_lab(api, templates):
    project = create_project(api, "across")
    a = _on(create_node(api, project, templates["busybox"], "pa"), "a")
    b = _on(create_node(api, project, templates["busybox"], "pb"), "b")
    return project, a, b


def test_a_link_between_hosts_gets_a_vni_and_one_task_per_host(api, two_host_lab, broker,
                                                                 django_capture_on_commit_callbacks):
    project, a, b = two_host_lab
    with django_capture_on_commit_callbacks(execute=True):
        link = create_link(api, project, a, b)
    assert 4096 <= link["vni"] <= 16_777_215
    assert _queued(broker, "compute.a") == ["webgns.tasks.plumb_link"]
    assert _queued(broker, "compute.b") == ["webgns.tasks.plumb_link"]
    assert _queued(broker, "lab") == [] and _queued(broker, "compute.local") == []

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/projects/{project['id']}/links/{link['id']}/",
                             {"impairment": {"rate_kbps": 1000}}, format="json")
    assert response.status_code == 200, response.content
    assert _queued(broker, "compute.b")[-1] == "webgns.tasks.apply_impairments"

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/projects/{project['id']}/nodes/{b['id']}/").status_code == 204
    # b's host removes the node (and its end); a's host removes its own end of the link.
    assert _queued(broker, "compute.b")[-1] == "webgns.tasks.remove_node"
    assert _queued(broker, "compute.a")[-1] == "webgns.tasks.remove_link"


def test_operations_go_to_their_hosts_queue_and_exec_to_its_exec_queue(api, two_host_lab, broker,
                                                                       django_capture_on_commit_callbacks):
    from webgns.labs.models import Operation

    project, a, b = two_host_lab
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/projects/{project['id']}/start/")
    op = Operation.objects.get(pk=response.json()["operation"])
    assert op.parts == [["a", "nodes"], ["b", "all"], ["a", "startup"]]
    assert _queued(broker, "compute.a") == ["webgns.tasks.run_operation"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/projects/{project['id']}/nodes/{b['id']}/stop/")
    assert Operation.objects.get(pk=response.json()["operation"]).parts == [["b", "all"]]
    assert _queued(broker, "compute.b") == ["webgns.tasks.run_operation"]

    from webgns.labs.models import Node
    from webgns.tasks import host_tasks, routing

    node = Node.objects.get(pk=b["id"])
    routing.send(host_tasks.exec_in_node, node.compute_host, b["id"], "true", 5, exec_work=True)
    assert _queued(broker, "exec.b") == ["webgns.tasks.exec_in_node"]

    project_hosts = api.get(f"/api/projects/{project['id']}/nodes/").json()
    assert {n["compute_host"] for n in project_hosts} == {"a", "b"}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/projects/{project['id']}/").status_code == 204
    assert _queued(broker, "compute.a")[-1] == "webgns.tasks.remove_project"
    assert _queued(broker, "compute.b")[-1] == "webgns.tasks.remove_project"


def test_plan_parts_plumb_on_every_host_before_any_startup_lines():
    from webgns.tasks.operations import plan_parts

    assert plan_parts("project.start", ["a"]) == [["a", "all"]]  # one host: one part, as before
    assert plan_parts("project.start", []) == [[None, "all"]]
    assert plan_parts("project.start", ["a", "b", "c"]) == [
        ["a", "nodes"], ["b", "nodes"], ["c", "all"], ["a", "startup"], ["b", "startup"]]
    assert plan_parts("project.stop", ["a", "b"]) == [["a", "all"], ["b", "all"]]


def test_vnis_are_unique_retried_on_collision_and_cleared_when_hosts_match(api, templates, two_host_lab,
                                                                         monkeypatch):
    from webgns.labs import vnis
    from webgns.labs.models import Link, Node

    project, a, b = two_host_lab
    first = create_link(api, project, a, b)
    c = _on(create_node(api, project, templates["busybox"], "pc"), "a")
    d = _on(create_node(api, project, templates["busybox"], "pd"), "b")
    picks = iter([first["vni"], first["vni"], 5000])  # the first two collide with the first link's
    monkeypatch.setattr(vnis.random, "randint", lambda low, high: next(picks))
    second = create_link(api, project, c, d)
    assert second["vni"] == 5000
    # pd moves to host a: its link is local now and gives its VNI back.
    Node.objects.filter(pk=d["id"]).update(compute_host="a")
    vnis.sync_vnis_of_node(Node.objects.get(pk=d["id"]))
    assert Link.objects.get(pk=second["id"]).vni is None
    assert Link.objects.get(pk=first["id"]).vni == first["vni"]


def test_a_link_between_hosts_is_up_only_when_both_ends_are(api, two_host_lab):
    from webgns.compute.specs import LINK_DOWN, LINK_ERROR, LINK_UP, LinkState
    from webgns.labs.models import Link
    from webgns.tasks.status import save_link_state

    project, a, b = two_host_lab
    link_id = create_link(api, project, a, b)["id"]
    save_link_state(link_id, LinkState(LINK_UP, end=0))
    link = Link.objects.get(pk=link_id)
    assert (link.status, link.error) == (LINK_DOWN, "its b end is not made yet")
    save_link_state(link_id, LinkState(LINK_UP, end=1))
    assert Link.objects.get(pk=link_id).status == LINK_UP
    save_link_state(link_id, LinkState(LINK_ERROR, "compute host b has no underlay address", end=1))
    link = Link.objects.get(pk=link_id)
    assert (link.status, link.error) == (LINK_ERROR, "compute host b has no underlay address")
    assert api.get(f"/api/projects/{project['id']}/links/{link_id}/").json()["ends"]["a"]["status"] == LINK_UP


def test_link_spec_carries_the_tunnel_with_both_hosts_underlay_addresses(api, two_host_lab):
    from webgns.labs.models import ComputeHost, Link
    from webgns.tasks.specs_from_models import link_spec

    project, a, b = two_host_lab
    link = Link.objects.get(pk=create_link(api, project, a, b)["id"])
    ComputeHost.objects.create(name="a", capabilities={"underlay_address": "10.250.0.1"})
    spec = link_spec(link, {a["id"]: "a", b["id"]: "b"})
    assert (spec.tunnel.vni, spec.tunnel.a_underlay, spec.tunnel.b_underlay) == (link.vni, "10.250.0.1", "")
    assert link_spec(link).tunnel == spec.tunnel  # without hosts: the recorded VNI tells


def test_a_bad_underlay_address_stops_start_up_with_a_clear_error():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "webgns.settings", "WEBGNS_UNDERLAY_ADDRESS": "host-b"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "WEBGNS_UNDERLAY_ADDRESS='host-b' is not an IP address" in done.stderr


def test_beats_reconcile_fans_out_to_every_known_hosts_queue(db, broker):
    from webgns.labs.models import ComputeHost
    from webgns.tasks.reconcile import reconcile_all

    ComputeHost.objects.create(name="a")
    ComputeHost.objects.create(name="b")
    assert reconcile_all() == sorted({"a", "b", settings.WEBGNS_COMPUTE_HOST})
    for host in ("a", "b", settings.WEBGNS_COMPUTE_HOST):
        assert _queued(broker, f"compute.{host}") == ["webgns.tasks.reconcile.reconcile_host"]


def test_an_operation_is_handed_from_host_to_host_and_stale_parts_are_refused(api, two_host_lab, broker):
    import json

    from webgns.labs.models import Operation
    from webgns.tasks import claims

    project, _, _ = two_host_lab
    op = Operation.objects.create(project_id=project["id"], kind="project.start",
                                  parts=[["a", "nodes"], ["b", "all"], ["a", "startup"]])
    assert claims.claim(str(op.id), 1) is None  # not at part 1 yet
    running = claims.claim(str(op.id), 0)
    assert running is not None and claims.claim(str(op.id), 0) is None  # a live worker has it
    claims.hand_over(running, 1)
    op.refresh_from_db()
    assert (op.part, op.heartbeat, op.worker) == (1, None, "")
    (message,) = broker.lrange("compute.b", 0, -1)
    assert json.loads(message)["headers"]["argsrepr"] == repr([str(op.id), 1])
    assert claims.claim(str(op.id), 0) is None  # a redelivered part 0 does nothing
    assert claims.claim(str(op.id), 1) is not None
