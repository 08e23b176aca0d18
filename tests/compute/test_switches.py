"""Switch nodes: a Linux bridge in its own namespace, and an Open vSwitch bridge on the host.

The OVS test moves a TCP stream as well as pings: on the userspace (netdev) datapath, veths
with TX checksum offload pass ping but drop TCP, which only a real transfer shows.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from webgns.compute import ovs_switch
from webgns.compute.labels import ALIAS_PREFIX, host_port_name, ovs_bridge_name
from webgns.compute.namespaces import netns_path, open_iproute
from webgns.compute.specs import BRIDGE, OVS, STARTED, STOPPED

pytestmark = pytest.mark.integration

TRANSFER_BYTES = 4 * 1024 * 1024


def _star(lab, kind, subnet):
    switch = lab.switch("sw", kind=kind, ports=4)
    hosts = [lab.node(f"h{i}") for i in range(3)]
    lab.start()
    for i, host in enumerate(hosts):
        lab.link(host, "eth0", switch, f"eth{i}")
    lab.plumb()
    for i, host in enumerate(hosts):
        lab.address(host, f"{subnet}.{i + 1}/24")
    return switch, hosts


def _host_aliases() -> set[str]:
    with open_iproute(None) as ipr:
        return {
            link.get_attr("IFLA_IFNAME")
            for link in ipr.get_links()
            if (link.get_attr("IFLA_IFALIAS") or "").startswith(ALIAS_PREFIX)
        }


def _tcp_transfer(lab, sender, receiver, address):
    """Send TRANSFER_BYTES over TCP with busybox nc; returns (sent md5, received md5, size)."""
    # The listener's stdin stays open (sleep |): busybox nc closes the connection at stdin EOF.
    lab.sh(receiver, "rm -f /tmp/got; (sleep 30 | nc -l -p 5001 > /tmp/got &) ; sleep 0.3")
    lab.sh(sender, f"head -c {TRANSFER_BYTES} /dev/urandom > /tmp/sent")
    lab.sh(sender, f"nc -w 3 {address} 5001 < /tmp/sent", timeout=30)
    sent = lab.sh(sender, "md5sum < /tmp/sent").split()[0]
    got = lab.sh(receiver, "sleep 0.5; md5sum < /tmp/got").split()[0]
    size = int(lab.sh(receiver, "wc -c < /tmp/got").strip())
    return sent, got, size


def test_three_nodes_through_a_bridge_switch(lab):
    switch, (h0, h1, h2) = _star(lab, BRIDGE, "10.21.0")
    before = _host_aliases()
    assert lab.pings(h0, "10.21.0.2")
    assert lab.pings(h0, "10.21.0.3")
    assert lab.pings(h2, "10.21.0.2")
    # The switch's ports are enslaved to br0 inside its own namespace ...
    with open_iproute(netns_path(lab.engine.node_state(switch).pid)) as ipr:
        br0 = ipr.link_lookup(ifname="br0")[0]
        members = {link.get_attr("IFLA_IFNAME") for link in ipr.get_links() if link.get_attr("IFLA_MASTER") == br0}
    assert members == {"eth0", "eth1", "eth2"}
    # ... and nothing of this lab is in the host namespace.
    assert not {name for name in before if name.startswith("wgp")} & _lab_host_ports(lab)


def _lab_host_ports(lab) -> set[str]:
    return {host_port_name(link, i) for link in lab.links.values() for i in (0, 1)}


def test_three_nodes_through_an_ovs_switch_ping_and_tcp(lab, ovs_running):
    switch, (h0, h1, h2) = _star(lab, OVS, "10.22.0")
    assert ovs_switch.bridge_exists(ovs_bridge_name(switch))
    assert lab.pings(h0, "10.22.0.2")
    assert lab.pings(h1, "10.22.0.3")
    sent, got, size = _tcp_transfer(lab, h0, h2, "10.22.0.3")
    assert size == TRANSFER_BYTES
    assert got == sent


def test_ovs_host_ports_do_not_speak_for_the_host(lab, ovs_running):
    switch, _hosts = _star(lab, OVS, "10.23.0")
    ports = set(ovs_switch.list_ports(ovs_bridge_name(switch)))
    assert ports and ports == {name for name in _lab_host_ports(lab) if name.endswith("b")}
    for port in ports:
        assert Path(f"/proc/sys/net/ipv4/conf/{port}/arp_ignore").read_text().strip() == "8"
        assert Path(f"/proc/sys/net/ipv6/conf/{port}/disable_ipv6").read_text().strip() == "1"
        assert Path(f"/proc/sys/net/ipv4/conf/{port}/rp_filter").read_text().strip() == "1"
        assert Path(f"/proc/sys/net/ipv4/conf/{port}/forwarding").read_text().strip() == "0"


def test_segments_on_two_switches_do_not_reach_each_other(lab):
    left, right = lab.switch("left"), lab.switch("right")
    a, b, c = lab.node("a"), lab.node("b"), lab.node("c")
    lab.start()
    lab.link(a, "eth0", left, "eth0")
    lab.link(b, "eth0", left, "eth1")
    lab.link(c, "eth0", right, "eth0")
    lab.plumb()
    for node, cidr in ((a, "10.24.0.1/24"), (b, "10.24.0.2/24"), (c, "10.24.0.3/24")):
        lab.address(node, cidr)
    assert lab.pings(a, "10.24.0.2")
    assert not lab.pings(a, "10.24.0.3", wait=1)


def test_stopping_an_ovs_switch_takes_its_ports_away(lab, ovs_running):
    switch, (h0, _h1, _h2) = _star(lab, OVS, "10.25.0")
    assert lab.engine.stop_node(switch).status == STOPPED
    assert lab.engine.node_state(switch).status == STOPPED
    assert not _lab_host_ports(lab) & _host_aliases()
    assert not lab.pings(h0, "10.25.0.2", wait=1)
    lab.start(switch)
    assert lab.engine.node_state(switch).status == STARTED
    lab.plumb()
    for i, host in enumerate(_hosts_of(lab, switch)):
        lab.address(host, f"10.25.0.{i + 1}/24")
    assert lab.pings(h0, "10.25.0.2")


def _hosts_of(lab, switch):
    return [lab.nodes[link.a.node_id] for link in lab.links.values() if link.b.node_id == switch.id]


@pytest.fixture
def blackholed() -> Iterator[str]:
    """An address whose packets the host drops (a blackhole route): OVS starts connecting to a
    controller at once, and must reach nothing, neither outside nor a host service."""
    subprocess.run(["ip", "route", "replace", "blackhole", "10.254.77.0/24"], check=True)
    yield "10.254.77.1"
    subprocess.run(["ip", "route", "del", "blackhole", "10.254.77.0/24"], check=False)


def test_ovs_switch_with_an_openflow_controller_is_configured(lab, ovs_running, blackholed):
    switch = lab.node("sdn", kind=OVS, ports=2, openflow_controller=f"tcp:{blackholed}:6653")
    lab.start()
    name = ovs_bridge_name(switch)
    assert ovs_switch.vsctl("get-controller", name).strip() == f"tcp:{blackholed}:6653"
    assert ovs_switch.vsctl("get-fail-mode", name).strip() == "secure"
