"""Direct veth links between Docker nodes: real containers, real kernel links, real pings."""

from __future__ import annotations

import time

import pytest

from webgns.compute.labels import link_alias
from webgns.compute.namespaces import find_interface, netns_path, open_iproute
from webgns.compute.specs import LINK_DOWN, LINK_ERROR, LINK_UP

pytestmark = pytest.mark.integration


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.05)


def _alias_of(lab, node, port):
    with open_iproute(netns_path(lab.engine.node_state(node).pid)) as ipr:
        found = find_interface(ipr, port)
        return None if found is None else found.get_attr("IFLA_IFALIAS")


def test_two_nodes_on_a_direct_link_ping_each_other(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    link = lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    assert _alias_of(lab, a, "eth0") == _alias_of(lab, b, "eth0") == link_alias(link.id)
    lab.address(a, "10.11.0.1/24")
    lab.address(b, "10.11.0.2/24")
    assert lab.pings(a, "10.11.0.2")
    assert lab.pings(b, "10.11.0.1")


def test_plumbing_twice_keeps_the_live_link(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    lab.address(a, "10.12.0.1/24")
    lab.address(b, "10.12.0.2/24")
    lab.plumb()  # a redelivered task: must not recreate (the address would be lost)
    assert "10.12.0.1/24" in lab.sh(a, "ip addr show dev eth0")
    assert lab.pings(a, "10.12.0.2")


def test_a_node_on_another_segment_is_unreachable(lab):
    a, b, c, d = (lab.node(n) for n in "abcd")
    lab.start()
    lab.link(a, "eth0", b, "eth0")
    lab.link(c, "eth0", d, "eth0")
    lab.plumb()
    for node, cidr in ((a, "10.13.0.1/24"), (b, "10.13.0.2/24"), (c, "10.13.0.3/24"), (d, "10.13.0.4/24")):
        lab.address(node, cidr)
    assert lab.pings(a, "10.13.0.2")
    assert lab.pings(c, "10.13.0.4")
    assert not lab.pings(a, "10.13.0.3")
    assert not lab.pings(a, "10.13.0.4")


def test_remove_link_cuts_traffic_and_is_idempotent(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    link = lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    lab.address(a, "10.14.0.1/24")
    lab.address(b, "10.14.0.2/24")
    assert lab.pings(a, "10.14.0.2")
    lab.engine.remove_link(link, lab.nodes)
    lab.engine.remove_link(link, lab.nodes)
    assert not lab.pings(a, "10.14.0.2", wait=1)
    assert _alias_of(lab, a, "eth0") is None
    assert _alias_of(lab, b, "eth0") is None


def test_a_link_added_to_a_running_lab_works_at_once(lab):
    a, b, c = lab.node("a", ports=2), lab.node("b"), lab.node("c")
    lab.start()
    lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    lab.address(a, "10.15.0.1/24")
    lab.address(b, "10.15.0.2/24")
    added = lab.link(a, "eth1", c, "eth0")
    lab.plumb(added)
    lab.address(a, "10.15.1.1/24", port="eth1")
    lab.address(c, "10.15.1.3/24")
    assert lab.pings(a, "10.15.1.3")
    assert lab.pings(a, "10.15.0.2")


def test_stopped_then_started_node_gets_its_links_back(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    link = lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    lab.address(b, "10.16.0.2/24")
    lab.engine.stop_node(a)  # no links named: nothing is parked, as when a node is killed
    # The namespace goes with the container's process (the kernel tears it down a moment
    # later, asynchronously); so does the pair, on both sides.
    assert lab.engine.plumb_links([link], lab.nodes)[link.id].status == LINK_DOWN
    wait_for(lambda: _alias_of(lab, b, "eth0") is None, timeout=10, what="b's end of the pair to vanish")
    lab.start(a)
    lab.plumb()
    # Both ports are new interfaces: addresses on them are the nodes' startup lines' job.
    assert "10.16.0.2" not in lab.sh(b, "ip addr show dev eth0")
    lab.address(a, "10.16.0.1/24")
    lab.address(b, "10.16.0.2/24")
    assert lab.pings(a, "10.16.0.2")


def test_a_rewired_port_replaces_the_stale_link(lab):
    a, b, c = lab.node("a"), lab.node("b"), lab.node("c")
    lab.start()
    old = lab.link(a, "eth0", b, "eth0")
    lab.plumb(old)
    # The database now says a.eth0 goes to c (the old link was deleted while a worker was down).
    del lab.links[old.id]
    new = lab.link(a, "eth0", c, "eth0")
    lab.plumb(new)
    assert _alias_of(lab, a, "eth0") == _alias_of(lab, c, "eth0") == link_alias(new.id)
    assert _alias_of(lab, b, "eth0") is None
    lab.address(a, "10.17.0.1/24")
    lab.address(c, "10.17.0.3/24")
    assert lab.pings(a, "10.17.0.3")


def test_an_interface_the_lab_did_not_make_is_not_destroyed(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    with open_iproute(netns_path(lab.engine.node_state(a).pid)) as ipr:
        ipr.link("add", ifname="eth0", kind="bridge")  # as if someone made it from the console
    link = lab.link(a, "eth0", b, "eth0")
    state = lab.engine.plumb_links([link], lab.nodes)[link.id]
    assert state.status == LINK_ERROR
    assert "did not create" in state.error
    assert "eth0" in lab.sh(a, "ip link show eth0")


def test_a_link_to_an_unknown_port_is_an_error_not_an_exception(lab):
    a, b = lab.node("a"), lab.node("b")
    lab.start()
    link = lab.link(a, "eth7", b, "eth0")
    state = lab.engine.plumb_links([link], lab.nodes)[link.id]
    assert state.status == LINK_ERROR
    assert "no port eth7" in state.error


def test_many_links_between_two_nodes(lab):
    a, b = lab.node("a", ports=16), lab.node("b", ports=16)
    lab.start()
    links = [lab.link(a, f"eth{i}", b, f"eth{i}") for i in range(16)]
    states = lab.engine.plumb_links(links, lab.nodes)
    assert {s.status for s in states.values()} == {LINK_UP}
    lab.address(a, "10.18.9.1/24", port="eth9")
    lab.address(b, "10.18.9.2/24", port="eth9")
    assert lab.pings(a, "10.18.9.2")
