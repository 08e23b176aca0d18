"""Parking: a node stopped through the engine leaves its neighbours' interfaces (and addresses) intact."""

from __future__ import annotations

import os

import pytest

from webgns.compute.impairments import read_impairment
from webgns.compute.labels import parked_name
from webgns.compute.namespaces import find_interface, netns_path, open_iproute
from webgns.compute.parking import parking_netns_path
from webgns.compute.specs import LINK_DOWN, OVS, Impairment

pytestmark = pytest.mark.integration


def _parked(lab, link, index: int) -> bool:
    path = parking_netns_path(lab.project_id)
    if not os.path.exists(path):
        return False
    with open_iproute(path) as ipr:
        return find_interface(ipr, parked_name(link.id, index)) is not None


def test_a_restarted_node_finds_its_neighbour_unchanged(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    link = lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    lab.address(a, "10.21.0.1/24")
    lab.address(b, "10.21.0.2/24")
    assert lab.pings(b, "10.21.0.1")

    lab.engine.stop_node(a, [link])
    assert _parked(lab, link, 0)
    # b's end never went away: its address is still there while a is down.
    assert "10.21.0.2/24" in lab.sh(b, "ip addr show dev eth0")
    assert lab.engine.plumb_links([link], lab.nodes)[link.id].status == LINK_DOWN

    lab.start(a)
    lab.plumb()
    assert not _parked(lab, link, 0)
    lab.address(a, "10.21.0.1/24")  # a's own addresses are its startup lines' job
    assert lab.pings(a, "10.21.0.2")
    assert "10.21.0.2/24" in lab.sh(b, "ip addr show dev eth0")


def test_an_impairment_comes_back_with_the_parked_end(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    link = lab.link(a, "eth0", b, "eth0", a_to_b=Impairment(rate_kbps=2000))
    lab.plumb()
    lab.engine.stop_node(a, [link])
    lab.start(a)
    lab.plumb()
    in_force = read_impairment(netns_path(lab.engine.node_state(a).pid), "eth0")
    assert in_force["kind"] == "tbf" and in_force["rate_kbps"] == 2000


def test_a_link_removed_while_parked_is_gone_and_the_project_leaves_no_namespace(lab):
    a, b, c = lab.node("a", ports=2), lab.node("b"), lab.node("c")
    lab.start()
    ab = lab.link(a, "eth0", b, "eth0")
    ac = lab.link(a, "eth1", c, "eth0")
    lab.plumb()
    lab.engine.stop_node(a, [ab, ac])
    lab.engine.stop_node(b, [ab])
    assert _parked(lab, ab, 0) and _parked(lab, ab, 1) and _parked(lab, ac, 0)

    lab.engine.remove_link(ab, lab.nodes)
    assert not _parked(lab, ab, 0) and not _parked(lab, ab, 1)
    assert _parked(lab, ac, 0)
    assert "eth0" in lab.sh(c, "ip -o link show")

    lab.engine.remove_link(ac, lab.nodes)  # a is down; c's end goes with the parked one
    assert not _parked(lab, ac, 0)
    assert "eth0" not in lab.sh(c, "ip -o link show")

    lab.engine.remove_project(lab.project_id)
    assert not os.path.exists(parking_netns_path(lab.project_id))


def test_a_restarted_ovs_switch_finds_its_hosts_unchanged(lab, ovs_running):
    switch = lab.switch("core", kind=OVS)
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    to_a = lab.link(a, "eth0", switch, "eth0")
    to_b = lab.link(b, "eth0", switch, "eth1")
    lab.plumb()
    lab.address(a, "10.22.0.1/24")
    lab.address(b, "10.22.0.2/24")
    assert lab.pings(a, "10.22.0.2")

    lab.engine.stop_node(switch, [to_a, to_b])
    assert _parked(lab, to_a, 1) and _parked(lab, to_b, 1)
    assert "10.22.0.1/24" in lab.sh(a, "ip addr show dev eth0")

    lab.start(switch)
    lab.plumb()
    assert not _parked(lab, to_a, 1)
    assert lab.pings(a, "10.22.0.2", count=3)
    assert "10.22.0.2/24" in lab.sh(b, "ip addr show dev eth0")
