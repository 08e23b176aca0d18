"""Links and bridge fabrics on plain `ip netns` namespaces, without Docker.

This is the path the kernel-test harness uses inside user-mode-linux: `links` and
`bridge_switch` take namespace paths, never containers. Namespaces are named `wgtlnk-<random>-…`
and deleted by the fixture's finalizer.
"""

from __future__ import annotations

import subprocess

import pytest

from webgns.compute.bridge_switch import ensure_switch_fabric
from webgns.compute.labels import SWITCH_BRIDGE_NAME
from webgns.compute.links import LinkEnd, ensure_veth, remove_veth, veth_present
from webgns.compute.namespaces import NetlinkSessions

pytestmark = pytest.mark.integration


@pytest.fixture
def namespaces(plain_namespaces):
    return plain_namespaces


def _sh(ns: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", ns, *command], capture_output=True, text=True, timeout=20)


def test_veth_between_plain_namespaces_carries_ping(namespaces):
    a, b = namespaces("a"), namespaces("b")
    end_a, end_b = LinkEnd(f"/var/run/netns/{a}", "eth0"), LinkEnd(f"/var/run/netns/{b}", "eth0")
    with NetlinkSessions() as sessions:
        assert ensure_veth(sessions, "webgns:l1", end_a, end_b).created
        assert not ensure_veth(sessions, "webgns:l1", end_a, end_b).created
        assert veth_present(sessions, "webgns:l1", end_a, end_b)
    _sh(a, "ip", "addr", "add", "10.31.0.1/24", "dev", "eth0")
    _sh(b, "ip", "addr", "add", "10.31.0.2/24", "dev", "eth0")
    assert _sh(a, "ping", "-c", "1", "-W", "2", "10.31.0.2").returncode == 0
    with NetlinkSessions() as sessions:
        assert remove_veth(sessions, "webgns:l1", end_b)
        assert not remove_veth(sessions, "webgns:l1", end_b)
        assert not veth_present(sessions, "webgns:l1", end_a, end_b)


def test_bridge_fabric_in_a_plain_namespace(namespaces):
    switch, h1, h2 = namespaces("sw"), namespaces("h1"), namespaces("h2")
    switch_path = f"/var/run/netns/{switch}"
    ensure_switch_fabric(switch_path)
    ensure_switch_fabric(switch_path)  # idempotent
    with NetlinkSessions() as sessions:
        for i, host in enumerate((h1, h2)):
            ensure_veth(
                sessions,
                f"webgns:l{i}",
                LinkEnd(f"/var/run/netns/{host}", "eth0"),
                LinkEnd(switch_path, f"eth{i}", master=SWITCH_BRIDGE_NAME),
            )
    _sh(h1, "ip", "addr", "add", "10.32.0.1/24", "dev", "eth0")
    _sh(h2, "ip", "addr", "add", "10.32.0.2/24", "dev", "eth0")
    assert _sh(h1, "ping", "-c", "1", "-W", "2", "10.32.0.2").returncode == 0
