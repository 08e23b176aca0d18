"""The compute host, where ovs-vswitchd dials, refuses an OpenFlow controller at one of its own
address, or one it would dial out of its own interfaces (a network beside it, or the default route
to anywhere) — whoever asked for it (staff included) — and takes one it drops. Nothing is dialed:
the verdict is the kernel's route lookup. The host-side interface is made by the test
(10.252.<n>.1/24, never the machine's real addresses)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from pyroute2 import IPRoute

from webgns.compute import ovs_switch
from webgns.compute.controller_reach import host_problem
from webgns.compute.errors import OvsCommandFailed

pytestmark = pytest.mark.integration


@pytest.fixture
def host_network() -> Iterator[str]:
    """A /24 this host reaches directly (a veth pair in the host namespace, 10.252.<n>.1/24)."""
    n = os.getpid() % 250
    name = f"wgtcr{n}"
    with IPRoute() as ipr:
        with contextlib.suppress(Exception):
            ipr.link("del", ifname=name)
        ipr.link("add", ifname=name, kind="veth", peer=f"{name}p")
        index = ipr.link_lookup(ifname=name)[0]
        ipr.addr("add", index=index, address=f"10.252.{n}.1", prefixlen=24)
        ipr.link("set", index=index, state="up")
    try:
        yield f"10.252.{n}"
    finally:
        with IPRoute() as ipr, contextlib.suppress(Exception):
            ipr.link("del", ifname=name)


def test_the_hosts_own_address_and_its_direct_networks_are_refused(host_network):
    own = host_problem(f"tcp:{host_network}.1:6653")
    assert own and "address of this compute host" in own
    beside = host_problem(f"tcp:{host_network}.77:6653")
    assert beside and "outside every lab" in beside and "wgtcr" in beside
    assert host_problem("tcp:[::1]:6653") and host_problem("tcp:127.0.0.1:6653")


def test_an_address_the_default_route_would_take_is_refused():
    """No blind outbound TCP: a lab may claim any address, the host would still dial it outside."""
    found = host_problem("tcp:203.0.113.9:6653")
    assert found and "outside every lab" in found


def test_an_address_the_host_drops_is_taken():
    import subprocess

    subprocess.run(["ip", "route", "replace", "blackhole", "10.254.78.0/24"], check=True)
    try:
        assert host_problem("tcp:10.254.78.1:6653") is None
    finally:
        subprocess.run(["ip", "route", "del", "blackhole", "10.254.78.0/24"], check=False)


def test_the_switch_says_why_it_refuses(host_network, ovs_running):
    with pytest.raises(OvsCommandFailed, match="address of this compute host"):
        ovs_switch.ensure_bridge("wgtcrbr0", "p", "n", "sw", controller=f"tcp:{host_network}.1:6653")
