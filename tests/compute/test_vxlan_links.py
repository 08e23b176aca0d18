"""Cross-host links on one machine: two "hosts" (namespaces joined by an underlay veth), a node
namespace behind each, and a VXLAN end made by each host directly inside its node's namespace.

Plain `ip netns` namespaces throughout, so nothing touches the real host's namespace; the kernel
here has VXLAN. The underlay uses 10.250.x/30 addresses that exist only inside these namespaces.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.iperf import iperf3_tcp, received_bps
from webgns.compute.errors import LinkFailed
from webgns.compute.impairments import apply_impairment
from webgns.compute.links import LinkEnd
from webgns.compute.namespaces import NetlinkSessions
from webgns.compute.specs import Impairment
from webgns.compute.vxlan_links import LAB_MTU, Tunnel, ensure_vxlan_end, remove_vxlan_end

pytestmark = pytest.mark.integration


def sh(ns: str, *command: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", ns, *command], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def two_hosts(plain_namespaces):
    """host a (10.250.7.1) and host b (10.250.7.2) on an underlay veth; node namespaces na, nb."""
    namespaces = plain_namespaces
    ha, hb, na, nb = namespaces("ha"), namespaces("hb"), namespaces("na"), namespaces("nb")
    subprocess.run(["ip", "-n", ha, "link", "add", "under0", "type", "veth", "peer", "name", "under0",
                    "netns", hb], check=True)  # fmt: skip
    for host, address in ((ha, "10.250.7.1/30"), (hb, "10.250.7.2/30")):
        subprocess.run(["ip", "-n", host, "addr", "add", address, "dev", "under0"], check=True)
        subprocess.run(["ip", "-n", host, "link", "set", "under0", "up"], check=True)
    return {"ha": f"/var/run/netns/{ha}", "hb": f"/var/run/netns/{hb}", "na": na, "nb": nb}


def plumb(sessions, hosts, vni=70001, alias="webgns:vx-link"):
    end_a, end_b = LinkEnd(f"/var/run/netns/{hosts['na']}", "eth0"), LinkEnd(f"/var/run/netns/{hosts['nb']}", "eth0")
    made_a = ensure_vxlan_end(sessions, alias, end_a, Tunnel(vni, "10.250.7.1", "10.250.7.2", "under0"), hosts["ha"])
    made_b = ensure_vxlan_end(sessions, alias, end_b, Tunnel(vni, "10.250.7.2", "10.250.7.1", "under0"), hosts["hb"])
    return end_a, end_b, made_a, made_b


def test_a_vxlan_link_carries_full_size_frames_and_is_idempotent(two_hosts):
    with NetlinkSessions() as sessions:
        end_a, end_b, made_a, made_b = plumb(sessions, two_hosts)
        assert made_a and made_b
        assert plumb(sessions, two_hosts)[2:] == (False, False)  # a second ensure keeps both
    sh(two_hosts["na"], "ip", "addr", "add", "10.61.0.1/24", "dev", "eth0")
    sh(two_hosts["nb"], "ip", "addr", "add", "10.61.0.2/24", "dev", "eth0")
    assert f"mtu {LAB_MTU}" in sh(two_hosts["na"], "ip", "link", "show", "eth0").stdout
    done = sh(two_hosts["na"], "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.61.0.2")
    assert done.returncode == 0, done.stdout + done.stderr
    # A frame of the full 1500 bytes (1472 + 28) with DF set still crosses: the underlay fragments.
    big = sh(two_hosts["na"], "ping", "-c", "2", "-M", "do", "-s", "1472", "-W", "2", "10.61.0.2")
    assert big.returncode == 0, big.stdout + big.stderr
    with NetlinkSessions() as sessions:
        assert remove_vxlan_end(sessions, "webgns:vx-link", end_a)
        assert not remove_vxlan_end(sessions, "webgns:vx-link", end_a)
        assert remove_vxlan_end(sessions, "webgns:vx-link", end_b)
    assert sh(two_hosts["na"], "ip", "link", "show", "eth0").returncode != 0


def test_a_rate_limit_on_a_vxlan_end_shapes_tcp(two_hosts):
    with NetlinkSessions() as sessions:
        end_a, _end_b, _, _ = plumb(sessions, two_hosts, vni=70002, alias="webgns:vx-rate")
        apply_impairment(end_a.netns, "eth0", Impairment(rate_kbps=5000), session=sessions.get(end_a.netns))
    sh(two_hosts["na"], "ip", "addr", "add", "10.62.0.1/24", "dev", "eth0")
    sh(two_hosts["nb"], "ip", "addr", "add", "10.62.0.2/24", "dev", "eth0")
    report = iperf3_tcp(f"/run/netns/{two_hosts['nb']}", f"/run/netns/{two_hosts['na']}", "10.62.0.2")
    bps = received_bps(report)
    assert 3.5e6 < bps < 5.6e6, bps


def test_a_port_taken_by_a_foreign_interface_is_refused(two_hosts):
    sh(two_hosts["na"], "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth9")
    with NetlinkSessions() as sessions, pytest.raises(LinkFailed, match="did not create"):
        plumb(sessions, two_hosts, vni=70003)


def test_a_vni_outside_the_range_is_refused():
    with pytest.raises(LinkFailed, match="outside"):
        Tunnel(12, "10.250.7.1", "10.250.7.2", "under0")
