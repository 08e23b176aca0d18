"""No path from a node into the host: a node on an OVS (userspace datapath) switch tries to reach
addresses of the host namespace — by ARP, and by a static ARP entry naming each host-side MAC it
could learn (its link's host port, the bridge's own port, the target interface) — and the host
neither receives its UDP nor answers its pings.

The host addresses probed are only those of a host-namespace interface this test creates (10.251.0.0/16,
never the machine's real addresses), with a UDP listener on it.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator

import pytest
from pyroute2 import IPRoute

from webgns.compute import ovs_switch
from webgns.compute.labels import ovs_bridge_name
from webgns.compute.specs import OVS

UDP_PORT = 47999
PROBE_IMAGE = "webgns/host:latest"


@pytest.fixture
def host_target() -> Iterator[tuple[str, str, socket.socket]]:
    """An interface in the host namespace with 10.251.<n>.1/24, and a UDP socket bound there.

    A veth pair with both ends in the host namespace stands in for a dummy interface: this kernel
    has no dummy module."""
    n = os.getpid() % 250
    name, address = f"wgtdum{n}", f"10.251.{n}.1"
    with IPRoute() as ipr:
        with contextlib.suppress(Exception):
            ipr.link("del", ifname=name)
        ipr.link("add", ifname=name, kind="veth", peer=f"{name}p")
        index = ipr.link_lookup(ifname=name)[0]
        ipr.addr("add", index=index, address=address, prefixlen=24)
        ipr.link("set", index=index, state="up")
        ipr.link("set", index=ipr.link_lookup(ifname=f"{name}p")[0], state="up")
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind((address, UDP_PORT))
    listener.setblocking(False)
    try:
        yield name, address, listener
    finally:
        listener.close()
        with IPRoute() as ipr, contextlib.suppress(Exception):
            ipr.link("del", ifname=name)


def _mac(ifname: str) -> str | None:
    with IPRoute() as ipr:
        found = ipr.link_lookup(ifname=ifname)
        return ipr.get_links(found[0])[0].get_attr("IFLA_ADDRESS") if found else None


def _received(listener: socket.socket) -> list[bytes]:
    got = []
    with contextlib.suppress(BlockingIOError):
        while True:
            got.append(listener.recv(2048))
    return got


def test_a_node_on_an_ovs_switch_cannot_reach_the_host(lab, ovs_running, host_target, docker_client):
    try:
        docker_client.images.get(PROBE_IMAGE)
    except Exception as error:
        pytest.skip(reason=f"needs the {PROBE_IMAGE} image (scripts/build-images.sh): {error}")
    dummy, address, listener = host_target
    switch = lab.switch("sw", kind=OVS, ports=2)
    node = lab.node("probe", image=PROBE_IMAGE)  # has OpenBSD nc (busybox's has no UDP) and iproute2
    lab.link(node, "eth0", switch, "eth0")
    lab.start()
    lab.plumb()
    prefix = address.rsplit(".", 1)[0]
    lab.address(node, f"{prefix}.99/24")
    bridge = ovs_bridge_name(switch)
    host_macs = {name: _mac(name) for name in [*ovs_switch.list_ports(bridge), bridge, dummy]}

    answered = []
    # By ARP first, then with the ARP answer forged for every MAC the host could accept.
    if lab.pings(node, address, count=2, wait=1):
        answered.append("arp")
    for name, mac in host_macs.items():
        if mac is None:
            continue
        lab.sh(node, f"ip neigh replace {address} lladdr {mac} dev eth0 nud permanent")
        lab.sh(node, f"for i in 1 2 3; do echo leak-{name} | nc -u -w1 {address} {UDP_PORT}; done; true")
        if lab.pings(node, address, count=2, wait=1):
            answered.append(name)
    got = _received(listener)
    assert not got, f"the host received {len(got)} datagrams from a node: {got[:3]}"
    assert not answered, f"the host answered pings through {answered}"
