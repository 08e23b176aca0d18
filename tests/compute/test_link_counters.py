"""Link-load counters on real veths between two plain namespaces: directions, rates, drops, cleanup.

Namespaces are `wgtlc-<random>-a/b` (recognisable if a crashed run leaves them); finalizers delete them.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest

from webgns.compute.link_counters import CounterReader, DirectionCounters, LoadMeter
from webgns.compute.links import LinkEnd


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def pair():
    tag = uuid.uuid4().hex[:6]
    a, b = f"wgtlc-{tag}-a", f"wgtlc-{tag}-b"
    _ip("netns", "add", a)
    _ip("netns", "add", b)
    try:
        _ip("link", "add", "va", "netns", a, "type", "veth", "peer", "vb", "netns", b)
        _ip("-n", a, "addr", "add", "10.76.0.1/24", "dev", "va")
        _ip("-n", b, "addr", "add", "10.76.0.2/24", "dev", "vb")
        _ip("-n", a, "link", "set", "va", "up")
        _ip("-n", b, "link", "set", "vb", "up")
        yield a, b, {"l1": (LinkEnd(f"/var/run/netns/{a}", "va"), LinkEnd(f"/var/run/netns/{b}", "vb"))}
    finally:
        for name in (a, b):
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)


def _ping(namespace: str, address: str, count: int, size: int = 1000) -> None:
    subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", str(count), "-i", "0.01", "-s", str(size), "-q",
                    address], check=True, capture_output=True, timeout=30)


def test_directions_and_rates(pair):
    a, b, ends = pair
    reader = CounterReader()
    try:
        before = reader.read(ends)["l1"]
        _ping(a, "10.76.0.2", 20)
        a_to_b, b_to_a = reader.read(ends)["l1"]
        # Echo requests go a → b and replies b → a: both grow by 20 packets of 1042 bytes on the wire at least.
        assert a_to_b.packets - before[0].packets >= 20
        assert b_to_a.packets - before[1].packets >= 20
        assert a_to_b.bytes - before[0].bytes >= 20 * 1042
    finally:
        reader.close()


def test_rates_per_second_and_counter_restarts():
    meter = LoadMeter()
    first = {"l1": (DirectionCounters(1000, 10, 0, 0), DirectionCounters(0, 0, 0, 0))}
    assert meter.rates(first, now=10.0) == {}
    second = {"l1": (DirectionCounters(3000, 30, 4, 0), DirectionCounters(500, 5, 0, 1))}
    rates = meter.rates(second, now=12.0)
    assert rates["l1"]["a_to_b"] == {"bps": 8000, "pps": 10.0, "drops": 2.0, "errors": 0.0}
    assert rates["l1"]["b_to_a"] == {"bps": 2000, "pps": 2.5, "drops": 0.0, "errors": 0.5}
    restarted = {"l1": (DirectionCounters(100, 1, 0, 0), DirectionCounters(0, 0, 0, 0))}
    assert meter.rates(restarted, now=13.0)["l1"]["a_to_b"]["bps"] == 0, "a re-made link never reads negative"


def test_a_missing_end_is_absent_and_a_deleted_namespace_is_let_go(pair):
    a, b, ends = pair
    reader = CounterReader()
    try:
        assert "l1" in reader.read(ends)
        gone = {"l1": (ends["l1"][0], LinkEnd(ends["l1"][1].netns, "nosuch0"))}
        assert reader.read(gone) == {}
        kept = reader._sockets[ends["l1"][1].netns].sock
        subprocess.run(["ip", "netns", "del", b], check=True, capture_output=True, timeout=10)
        assert reader.read(ends) == {}
        assert ends["l1"][1].netns not in reader._sockets, "no socket kept in a namespace that went away"
        assert kept.fileno() == -1, "and the one it had is closed (it alone would keep the namespace alive)"
    finally:
        reader.close()
