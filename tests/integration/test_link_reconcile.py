"""Reconcile checks links: a node killed outside webgns has its links shown `down` with the reason;
started again outside webgns (`docker start`, a new namespace without its interfaces), its links
are re-plumbed and its startup lines run again, so it pings again — through a Linux bridge switch
and through an OVS switch. Addresses are in 10.0.0.0/8.
"""

import pytest

from tests.integration.conftest import pings, start, wait_operation, wait_status
from tests.labs.factories import create_link, create_node

pytestmark = pytest.mark.integration


def _link(api, project, link) -> dict:
    return api.get(f"/api/projects/{project['id']}/links/{link['id']}/").json()


@pytest.mark.parametrize("switch_kind", ["bridge", "ovs"])
def test_a_node_killed_and_started_outside_webgns_pings_again_after_reconcile(
        api, lab_project, templates, docker_client, switch_kind):
    from webgns.tasks.reconcile import reconcile_host

    net = {"bridge": "10.0.31", "ovs": "10.0.32"}[switch_kind]
    project = lab_project(f"relink-{switch_kind}")
    switch = create_node(api, project, templates[switch_kind], "sw")
    a = create_node(api, project, templates["busybox"], "pc1", startup=[f"ip addr add {net}.1/24 dev eth0"])
    b = create_node(api, project, templates["busybox"], "pc2", startup=[f"ip addr add {net}.2/24 dev eth0"])
    link_a = create_link(api, project, a, switch, b_port="eth0")
    link_b = create_link(api, project, b, switch, b_port="eth1")
    assert wait_operation(api, start(api, project))["status"] == "done"
    assert pings(api, project, a, f"{net}.2")

    (container,) = docker_client.containers.list(filters={"label": f"webgns.node={a['id']}"})
    container.kill()
    reconcile_host.delay().get(timeout=120)
    # Not left `up` when it is not: the link says which node is down.
    gone = _link(api, project, link_a)
    assert gone["status"] == "down" and "pc1" in gone["error"], gone
    assert _link(api, project, link_b)["status"] == "up"

    container.start()  # outside webgns: a new namespace, no eth0, no address
    reconcile_host.delay().get(timeout=120)  # sees it running again: started
    reconcile_host.delay().get(timeout=120)  # idempotent: nothing more to do, nothing undone
    wait_status(api, project, [a], "started")
    assert _link(api, project, link_a)["status"] == "up"
    assert pings(api, project, a, f"{net}.2"), "the re-plumbed link carries traffic"
    assert pings(api, project, b, f"{net}.1")


def test_a_link_whose_veth_vanished_is_replumbed(api, lab_project, templates, docker_client):
    """The node keeps running, but its link's interface was deleted (by hand, inside the node)."""
    from webgns.tasks.reconcile import reconcile_host

    project = lab_project("relink-veth")
    a = create_node(api, project, templates["busybox"], "pc1", startup=["ip addr add 10.0.33.1/24 dev eth0"])
    b = create_node(api, project, templates["busybox"], "pc2", startup=["ip addr add 10.0.33.2/24 dev eth0"])
    create_link(api, project, a, b)
    assert wait_operation(api, start(api, project))["status"] == "done"
    (container,) = docker_client.containers.list(filters={"label": f"webgns.node={a['id']}"})
    assert container.exec_run("ip link del eth0").exit_code == 0
    assert not pings(api, project, a, "10.0.33.2")
    reconcile_host.delay().get(timeout=120)
    assert pings(api, project, a, "10.0.33.2")
