"""A lab's whole life through the REST API and a real worker: start, traffic, stop, restart, delete.

Addresses are in 10.0.0.0/8 (never the host's 192.0.2.0/24); nodes have no network but their links.
"""

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import pings, run, start, stop, wait_operation, wait_status
from tests.labs.factories import create_link, create_node

pytestmark = pytest.mark.integration


def _host_node(api, project, templates, name: str, address: str, port: str = "eth0") -> dict:
    return create_node(api, project, templates["busybox"], name, startup=[f"ip addr add {address} dev {port}"])


def test_two_nodes_ping_stop_start_and_delete(api, lab_project, templates, docker_client):
    project = lab_project("pair")
    a = _host_node(api, project, templates, "pc1", "10.0.0.1/24")
    b = _host_node(api, project, templates, "pc2", "10.0.0.2/24")
    link = create_link(api, project, a, b)

    op = wait_operation(api, start(api, project))
    assert op["status"] == "done", op
    assert op["done"] == op["total"] > 0
    wait_status(api, project, [a, b], "started")
    assert api.get(f"/api/projects/{project['id']}/links/{link['id']}/").json()["status"] == "up"
    assert api.get(f"/api/projects/{project['id']}/").json()["status"] == "started"
    assert pings(api, project, a, "10.0.0.2")
    assert run(api, project, a, "hostname")["output"].strip() == "pc1"
    # A file written in the node survives stop/start (the container is kept, like GNS3).
    run(api, project, a, "echo kept > /root/note")

    assert wait_operation(api, stop(api, project))["status"] == "done"
    wait_status(api, project, [a, b], "stopped")
    assert api.get(f"/api/projects/{project['id']}/links/{link['id']}/").json()["status"] == "down"

    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [a, b], "started")
    assert pings(api, project, b, "10.0.0.1"), "links and startup lines come back after a restart"
    assert run(api, project, a, "cat /root/note")["output"].strip() == "kept"

    assert api.delete(f"/api/projects/{project['id']}/").status_code == 204
    wait_for(lambda: not docker_client.containers.list(all=True, filters={"label": f"webgns.project={project['id']}"}),
             30, what="the project's containers to be removed")


def test_node_restart_replumbs_its_links(api, lab_project, templates):
    project = lab_project("restart")
    a = _host_node(api, project, templates, "pc1", "10.0.1.1/24")
    b = _host_node(api, project, templates, "pc2", "10.0.1.2/24")
    create_link(api, project, a, b)
    wait_operation(api, start(api, project))
    assert pings(api, project, a, "10.0.1.2")
    response = api.post(f"/api/projects/{project['id']}/nodes/{b['id']}/restart/")
    assert response.status_code == 202
    assert wait_operation(api, response.json()["operation"])["status"] == "done"
    wait_status(api, project, [b], "started")
    assert pings(api, project, a, "10.0.1.2")


def test_links_added_and_deleted_on_a_running_lab(api, lab_project, templates):
    project = lab_project("live-edit")
    a = create_node(api, project, templates["busybox"], "pc1")
    b = create_node(api, project, templates["busybox"], "pc2")
    wait_operation(api, start(api, project))
    wait_status(api, project, [a, b], "started")
    # An unlinked port has no interface (like containerlab): eth0 appears with its link.
    assert run(api, project, a, "ip link show eth0")["exit_code"] != 0

    link = create_link(api, project, a, b)
    url = f"/api/projects/{project['id']}/links/{link['id']}/"
    wait_for(lambda: api.get(url).json()["status"] == "up", 30, what="the new link to come up")
    run(api, project, a, "ip addr add 10.0.2.1/24 dev eth0")
    run(api, project, b, "ip addr add 10.0.2.2/24 dev eth0")
    assert pings(api, project, a, "10.0.2.2")

    assert api.delete(url).status_code == 204
    wait_for(lambda: run(api, project, a, "ip link show eth0")["exit_code"] != 0, 30,
             what="eth0 to disappear from pc1")
    assert not pings(api, project, a, "10.0.2.2")


def test_three_nodes_through_a_bridge_switch(api, lab_project, templates):
    project = lab_project("switched")
    hosts = [_host_node(api, project, templates, f"pc{i}", f"10.0.3.{i}/24") for i in (1, 2, 3)]
    switch = create_node(api, project, templates["bridge"], "sw1")
    for i, host in enumerate(hosts):
        create_link(api, project, host, switch, "eth0", f"eth{i}")
    assert wait_operation(api, start(api, project))["status"] == "done"
    assert pings(api, project, hosts[0], "10.0.3.2")
    assert pings(api, project, hosts[0], "10.0.3.3")
    assert pings(api, project, hosts[2], "10.0.3.2")


def test_a_failing_node_does_not_stop_the_lab(api, lab_project, templates):
    project = lab_project("partial")
    good = _host_node(api, project, templates, "good", "10.0.4.1/24")
    template = api.post("/api/templates/", {"name": "missing-image", "image": "webgns/does-not-exist:1"},
                        format="json").json()
    bad = api.post(f"/api/projects/{project['id']}/nodes/", {"name": "bad", "template": template["id"]},
                   format="json").json()
    op = wait_operation(api, start(api, project))
    assert op["status"] == "error" and "does-not-exist" in op["error"]
    wait_status(api, project, [good], "started")
    detail = api.get(f"/api/projects/{project['id']}/nodes/{bad['id']}/").json()
    assert detail["status"] == "error" and "does-not-exist" in detail["error"]


def test_reconcile_finds_a_container_killed_behind_its_back(api, lab_project, templates, docker_client):
    from webgns.tasks.reconcile import reconcile_host

    project = lab_project("reconcile")
    a = _host_node(api, project, templates, "pc1", "10.0.5.1/24")
    wait_operation(api, start(api, project))
    wait_status(api, project, [a], "started")
    (container,) = docker_client.containers.list(filters={"label": f"webgns.node={a['id']}"})
    container.kill()
    reconcile_host.delay().get(timeout=60)
    detail = api.get(f"/api/projects/{project['id']}/nodes/{a['id']}/").json()
    assert detail["status"] == "error" and "killed (SIGKILL) outside webgns" in detail["error"]
    # Starting it again heals it.
    wait_operation(api, start(api, project))
    wait_status(api, project, [a], "started")


def test_reconcile_leaves_a_starting_lab_to_its_operation_unless_the_operation_is_dead(api, lab_project, templates):
    from datetime import timedelta

    from django.utils import timezone

    from webgns.labs.models import Node, Operation
    from webgns.tasks.locks import _redis as lock_redis
    from webgns.tasks.locks import lock_holder, lock_key
    from webgns.tasks.reconcile import reconcile_host

    project = lab_project("busy")
    a = _host_node(api, project, templates, "pc1", "10.0.6.1/24")
    b = _host_node(api, project, templates, "pc2", "10.0.6.2/24")
    # A start queued but not yet carried out: the node says starting and nothing runs yet.
    Node.objects.filter(pk=a["id"]).update(status="starting")
    op = Operation.objects.create(project_id=project["id"], kind="project.start", status="pending")
    reconcile_host.delay().get(timeout=60)
    assert Node.objects.get(pk=a["id"]).status == "starting"
    # The same operation past its deadline: reconcile fails it with the reason and reports the truth.
    Operation.objects.filter(pk=op.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    reconcile_host.delay().get(timeout=60)
    op.refresh_from_db()
    assert op.status == "error" and op.finished and op.error.startswith("deadline passed"), op.error
    assert Node.objects.get(pk=a["id"]).status == "error"

    # A running operation whose worker stopped beating (heartbeat older than the limit), holding
    # the project's lock: failed as "worker lost", and the lock is freed at once.
    Node.objects.filter(pk=b["id"]).update(status="starting")
    dead = Operation.objects.create(project_id=project["id"], kind="project.start", status="running",
                                    worker="gone-host:1", heartbeat=timezone.now() - timedelta(minutes=5))
    lock_redis().set(lock_key(project["id"]), f"op-{dead.pk}:token", ex=600)
    reconcile_host.delay().get(timeout=60)
    dead.refresh_from_db()
    assert dead.status == "error" and dead.error.startswith("worker lost"), dead.error
    assert lock_holder(project["id"]) is None
    assert Node.objects.get(pk=b["id"]).status == "error"
