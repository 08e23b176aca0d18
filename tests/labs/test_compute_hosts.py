"""Compute hosts without a second machine: the heartbeat and the watcher that notices a silent
host (real database rows, a real heartbeat thread), `GET /api/compute/`, the scheduler that
places new nodes by the hosts' capacity, staff's pin and move, and Start refused on a down host."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from tests.labs.factories import create_link, create_node, create_project
from tests.waiting import wait_for
from webgns.labs.models import ComputeHost, Link, Node
from webgns.tasks.host_heartbeat import HostHeartbeat, beat
from webgns.tasks.host_monitor import mark_silent_hosts

pytestmark = pytest.mark.django_db(transaction=True)


def _host(name: str, node_memory_mb: int = 4096, seen_ago: float = 0, max_nodes: int = 100) -> ComputeHost:
    return ComputeHost.objects.create(name=name, capacity={"node_memory_mb": node_memory_mb, "max_nodes": max_nodes},
                                      last_seen=timezone.now() - timedelta(seconds=seen_ago))


def _queued(client: redis.Redis, queue: str) -> list[str]:
    return [json.loads(m)["headers"]["task"] for m in reversed(client.lrange(queue, 0, -1))]


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def clear():
        for pattern in ("compute.*", "exec.*"):
            for key in client.scan_iter(pattern):
                client.delete(key)

    clear()
    yield client
    clear()


def test_a_heartbeat_reports_the_hosts_real_capacity_and_the_api_lists_it(api):
    beat("h1")
    host = api.get("/api/compute/").json()["hosts"][0]
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    assert host["name"] == "h1" and host["status"] == "up" and host["status_reason"] == ""
    assert host["capacity"]["memory_mb"] == int(meminfo["MemTotal"].split()[0]) // 1024
    assert 0 < host["capacity"]["memory_available_mb"] <= host["capacity"]["memory_mb"]
    assert host["capacity"]["node_memory_mb"] == host["capacity"]["memory_mb"] * 4 // 5
    assert host["capacity"]["cpus"] >= 1 and host["nodes"] == 0


def test_the_heartbeat_thread_beats_until_stopped(db):
    heartbeat = HostHeartbeat("h-thread", interval=0.2)
    heartbeat.start()
    try:
        first = wait_for(lambda: ComputeHost.objects.filter(name="h-thread").first(), 10, what="a first beat")
        wait_for(lambda: ComputeHost.objects.get(name="h-thread").last_seen > first.last_seen, 10,
                 what="a second beat")
    finally:
        heartbeat.stopping.set()
        heartbeat.join(10)
    assert not heartbeat.is_alive()


def test_a_silent_host_turns_down_and_its_running_nodes_error_with_the_reason(api, templates):
    _host("alive")
    _host("silent", seen_ago=settings.WEBGNS_HOST_DOWN_AFTER + 5)
    project = create_project(api)
    running = create_node(api, project, templates["busybox"], "running")
    stopped = create_node(api, project, templates["busybox"], "stopped")
    Node.objects.filter(pk__in=[running["id"], stopped["id"]]).update(compute_host="silent")
    Node.objects.filter(pk=running["id"]).update(status="started")
    listed = {h["name"]: h for h in api.get("/api/compute/").json()["hosts"]}
    # Stale already before any watcher marked it: the page does not wait for one.
    assert listed["silent"]["status"] == "down" and "no heartbeat since" in listed["silent"]["status_reason"]
    assert listed["alive"]["status"] == "up"

    assert mark_silent_hosts("alive") == ["silent"]
    assert mark_silent_hosts("alive") == []  # marked once: the nodes' errors are written once
    node = Node.objects.get(pk=running["id"])
    assert node.status == "error" and "compute host 'silent' stopped answering" in node.error
    assert Node.objects.get(pk=stopped["id"]).status == "stopped"
    assert ComputeHost.objects.get(name="silent").status == "down"

    assert beat("silent") is True  # back: up again (its reconcile then reports its nodes)
    assert ComputeHost.objects.get(name="silent").status == "up"


def test_a_host_never_marks_itself_down(db):
    _host("me", seen_ago=settings.WEBGNS_HOST_DOWN_AFTER + 5)
    assert mark_silent_hosts("me") == []


def test_start_on_a_host_marked_down_is_refused_with_the_reason(api, templates):
    _host("a")
    _host("b", seen_ago=settings.WEBGNS_HOST_DOWN_AFTER + 5)
    mark_silent_hosts("a")
    project = create_project(api)
    node = create_node(api, project, templates["busybox"], "n1")
    Node.objects.filter(pk=node["id"]).update(compute_host="b")
    response = api.post(f"/api/projects/{project['id']}/start/")
    assert response.status_code == 409, response.content
    assert "Compute host 'b' is down" in response.json()["compute_host"][0]
    assert api.post(f"/api/projects/{project['id']}/nodes/{node['id']}/start/").status_code == 409


def test_new_nodes_go_to_the_roomiest_host_and_join_their_labs_host(api, templates):
    _host("small", node_memory_mb=1024)
    _host("big", node_memory_mb=8192)
    project = create_project(api)
    first = create_node(api, project, templates["busybox"], "n1")
    assert first["compute_host"] == "big"
    # "small" is now roomier than "big" would be for a new lab, but n2 joins its lab's host.
    ComputeHost.objects.filter(name="small").update(capacity={"node_memory_mb": 65536, "max_nodes": 100})
    assert create_node(api, project, templates["busybox"], "n2")["compute_host"] == "big"
    other = create_project(api, "other")
    assert create_node(api, other, templates["busybox"], "m1")["compute_host"] == "small"


def test_a_full_host_is_passed_over_and_a_down_host_takes_nothing(api, templates):
    _host("full", node_memory_mb=8192, max_nodes=1)
    _host("gone", node_memory_mb=65536, seen_ago=settings.WEBGNS_HOST_DOWN_AFTER + 5)
    _host("spare", node_memory_mb=1024)
    busy = create_project(api, "busy")
    node = create_node(api, busy, templates["busybox"], "n1")
    assert node["compute_host"] == "full"
    Node.objects.filter(pk=node["id"]).update(status="started")
    project = create_project(api)
    assert create_node(api, project, templates["busybox"], "n1")["compute_host"] == "spare"


def test_a_lab_larger_than_every_host_is_still_made_on_the_roomiest(api, templates):
    """Designs need no room (nothing runs yet): the roomiest up host takes what does not fit."""
    _host("tiny", node_memory_mb=10)
    _host("small", node_memory_mb=100)
    _host("gone", node_memory_mb=65536, seen_ago=settings.WEBGNS_HOST_DOWN_AFTER + 5)
    project = create_project(api)
    assert create_node(api, project, templates["busybox"], "n1")["compute_host"] == "small"
    document = {"format": "webgns-topology", "version": 1, "name": "big",
                "nodes": [{"name": f"n{i}", "template": "busybox"} for i in range(40)], "links": []}
    response = api.post("/api/projects/import/", document, format="json")
    assert response.status_code == 201, response.content
    hosts = set(Node.objects.filter(project_id=response.json()["id"]).values_list("compute_host", flat=True))
    assert hosts == {"small"}


def test_without_any_host_reported_nodes_go_to_the_default_host(api, templates):
    project = create_project(api)
    assert create_node(api, project, templates["busybox"], "n1")["compute_host"] == settings.WEBGNS_COMPUTE_HOST


def test_an_imported_lab_goes_whole_to_one_host_and_copies_spread(api, templates):
    _host("a", node_memory_mb=2048)
    _host("b", node_memory_mb=2048)
    project = create_project(api)
    for name in ("n1", "n2", "n3"):
        create_node(api, project, templates["busybox"], name, memory_mb=256)
    hosts = []
    for i in range(4):
        copy = api.post(f"/api/projects/{project['id']}/duplicate/", {"name": f"copy-{i}"}, format="json")
        assert copy.status_code == 201, copy.content
        placed = set(Node.objects.filter(project_id=copy.json()["id"]).values_list("compute_host", flat=True))
        assert len(placed) == 1  # a whole lab on one host: its links stay local
        hosts.append(placed.pop())
        Node.objects.filter(project_id=copy.json()["id"]).update(status="started")  # they run: they weigh
    assert sorted(hosts) == ["a", "a", "b", "b"]


def test_staff_pin_a_new_node_and_others_may_not(api, staff_api, templates):
    _host("a")
    _host("b", node_memory_mb=1024)
    project = create_project(staff_api)
    assert create_node(staff_api, project, templates["busybox"], "n1", compute_host="b")["compute_host"] == "b"
    response = staff_api.post(f"/api/projects/{project['id']}/nodes/",
                              {"name": "n2", "template": str(templates["busybox"].id), "compute_host": "nowhere"},
                              format="json")
    assert response.status_code == 400 and "No compute host named 'nowhere'" in response.json()["compute_host"][0]
    mine = create_project(api)
    response = api.post(f"/api/projects/{mine['id']}/nodes/",
                        {"name": "n1", "template": str(templates["busybox"].id), "compute_host": "b"}, format="json")
    assert response.status_code == 400 and "Only staff" in response.json()["compute_host"][0]


def test_staff_move_a_stopped_node_its_old_host_removes_it_and_its_link_becomes_a_tunnel(
        staff_api, templates, broker, django_capture_on_commit_callbacks):
    _host("a")
    _host("b")
    project = create_project(staff_api)
    n1 = create_node(staff_api, project, templates["busybox"], "n1", compute_host="a")
    n2 = create_node(staff_api, project, templates["busybox"], "n2", compute_host="a")
    link = create_link(staff_api, project, n1, n2)
    assert link["vni"] is None
    broker.delete("compute.a")  # the link's own plumb_link
    url = f"/api/projects/{project['id']}/nodes/{n2['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.patch(url, {"compute_host": "b"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["compute_host"] == "b"
    # Its old host removes its container and link ends; nothing is asked of the new one yet.
    assert _queued(broker, "compute.a") == ["webgns.tasks.remove_node"]
    assert _queued(broker, "compute.b") == []
    moved = Link.objects.get(pk=link["id"])
    assert moved.vni is not None and moved.status == "down" and "moved to compute host 'b'" in moved.error

    Node.objects.filter(pk=n1["id"]).update(status="started")
    response = staff_api.patch(f"/api/projects/{project['id']}/nodes/{n1['id']}/", {"compute_host": "b"},
                               format="json")
    assert response.status_code == 400 and "Stop the node" in response.json()["compute_host"][0]
