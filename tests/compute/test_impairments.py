"""Impairments on this machine's kernel: tbf rate limits with real TCP, netem refused cleanly.

Each test gets two fresh `ip netns` namespaces joined by a veth pair (va in A, vb in B), named
`wgtimp-<random>-a/b` so a crashed run's leftovers are recognisable; finalizers delete them.
Netem itself is exercised against a real kernel in tests/kernel/ (user-mode-linux).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass

import pytest

from webgns.compute.capabilities import detect_capabilities
from webgns.compute.errors import NamespaceUnavailable
from webgns.compute.impairments import (
    InterfaceNotFound,
    InvalidImpairment,
    NetemUnavailable,
    apply_impairment,
    read_impairment,
)
from webgns.compute.specs import Impairment

NS_PREFIX = "wgtimp-"
ADDR_A, ADDR_B = "10.61.0.1", "10.61.0.2"
PLAIN_LINK_MIN_BPS = 100e6  # a bare veth does ~15 Gbit/s here; 100 Mbit/s is "much faster" than 1


@dataclass
class VethPair:
    ns_a: str
    ns_b: str

    @property
    def path_a(self) -> str:
        return f"/var/run/netns/{self.ns_a}"

    @property
    def path_b(self) -> str:
        return f"/var/run/netns/{self.ns_b}"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def veth_pair(request: pytest.FixtureRequest) -> VethPair:
    for tool in ("ip", "iperf3"):
        if shutil.which(tool) is None:
            pytest.skip(reason=f"needs {tool}")
    tag = uuid.uuid4().hex[:8]
    pair = VethPair(f"{NS_PREFIX}{tag}-a", f"{NS_PREFIX}{tag}-b")
    for ns in (pair.ns_a, pair.ns_b):
        _ip("netns", "add", ns)
        request.addfinalizer(lambda ns=ns: subprocess.run(["ip", "netns", "del", ns], capture_output=True))
    _ip("-n", pair.ns_a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", pair.ns_b)
    for ns, ifname, addr in ((pair.ns_a, "va", ADDR_A), (pair.ns_b, "vb", ADDR_B)):
        _ip("-n", ns, "addr", "add", f"{addr}/24", "dev", ifname)
        _ip("-n", ns, "link", "set", ifname, "up")
        _ip("-n", ns, "link", "set", "lo", "up")
    return pair


def _iperf(pair: VethPair, seconds: float, request: pytest.FixtureRequest) -> dict:
    """TCP from A to B (so through va's egress); returns iperf3's JSON report."""
    server = subprocess.Popen(
        ["ip", "netns", "exec", pair.ns_b, "iperf3", "-s", "-1", "-B", ADDR_B],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    request.addfinalizer(lambda: (server.kill(), server.wait()))
    command = ["ip", "netns", "exec", pair.ns_a, "iperf3", "-c", ADDR_B, "-t", str(seconds), "-J"]
    for _attempt in range(50):  # the server needs a moment to listen
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
        report = json.loads(done.stdout)
        if "error" not in report:
            return report
        time.sleep(0.1)
    raise AssertionError(f"iperf3 never connected: {report['error']}")


def _received_bps(report: dict) -> float:
    return report["end"]["sum_received"]["bits_per_second"]


@pytest.mark.integration
def test_rate_only_limits_tcp_throughput_and_plain_link_is_much_faster(veth_pair, request):
    plain = _received_bps(_iperf(veth_pair, 1, request))

    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=1000))
    shaped = _received_bps(_iperf(veth_pair, 5, request))

    assert plain > PLAIN_LINK_MIN_BPS, f"plain link only {plain / 1e6:.1f} Mbit/s"
    assert 0.5e6 <= shaped <= 1.1e6, f"1 Mbit/s link measured {shaped / 1e6:.3f} Mbit/s"
    assert read_impairment(veth_pair.path_a, "va")["rate_kbps"] == 1000


@pytest.mark.integration
def test_rate_applies_to_its_direction_only(veth_pair, request):
    # a→b shaped on a's end: traffic from B to A leaves through vb, which stays plain.
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=1000))
    server = subprocess.Popen(
        ["ip", "netns", "exec", veth_pair.ns_a, "iperf3", "-s", "-1", "-B", ADDR_A],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    request.addfinalizer(lambda: (server.kill(), server.wait()))
    command = ["ip", "netns", "exec", veth_pair.ns_b, "iperf3", "-c", ADDR_A, "-t", "1", "-J"]
    for _attempt in range(50):
        report = json.loads(subprocess.run(command, capture_output=True, text=True, timeout=30).stdout)
        if "error" not in report:
            break
        time.sleep(0.1)
    assert _received_bps(report) > PLAIN_LINK_MIN_BPS
    assert read_impairment(veth_pair.path_b, "vb") == {"kind": None}


@pytest.mark.integration
def test_rate_is_replaced_live_without_breaking_the_flow(veth_pair, request):
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=1000))
    handle_before = read_impairment(veth_pair.path_a, "va")["handle"]
    server = subprocess.Popen(
        ["ip", "netns", "exec", veth_pair.ns_b, "iperf3", "-s", "-1", "-B", ADDR_B],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    request.addfinalizer(lambda: (server.kill(), server.wait()))
    time.sleep(0.5)
    client = subprocess.Popen(
        ["ip", "netns", "exec", veth_pair.ns_a, "iperf3", "-c", ADDR_B, "-t", "6", "-i", "1", "-J"],
        stdout=subprocess.PIPE,
        text=True,
    )
    request.addfinalizer(lambda: (client.kill(), client.wait()))
    time.sleep(3)
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=4000))
    report = json.loads(client.communicate(timeout=30)[0])

    assert "error" not in report, report.get("error")
    per_second = [interval["sum"]["bits_per_second"] for interval in report["intervals"]]
    assert max(per_second[1:3]) <= 1.3e6, per_second  # first second may include the initial burst
    assert 2.5e6 <= per_second[-1] <= 4.4e6, per_second
    after = read_impairment(veth_pair.path_a, "va")
    assert after["rate_kbps"] == 4000
    assert after["handle"] == handle_before  # changed in place, not swapped for a new qdisc


@pytest.mark.integration
def test_clearing_restores_the_plain_link_and_is_idempotent(veth_pair, request):
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=1000))
    apply_impairment(veth_pair.path_a, "va", Impairment())
    apply_impairment(veth_pair.path_a, "va", Impairment())  # nothing left to clear: still fine

    assert read_impairment(veth_pair.path_a, "va") == {"kind": None}
    assert _received_bps(_iperf(veth_pair, 1, request)) > PLAIN_LINK_MIN_BPS


@pytest.mark.integration
def test_applying_the_same_rate_twice_changes_nothing(veth_pair):
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=2500))
    first = read_impairment(veth_pair.path_a, "va")
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=2500))
    assert read_impairment(veth_pair.path_a, "va") == first
    assert first["kind"] == "tbf" and first["rate_kbps"] == 2500


NEEDS_NO_NETEM = "this host's kernel has sch_netem; the refusal needs a kernel without it (see tests/kernel)"


def _set_fields(imp: Impairment) -> str:
    return "+".join(name for name in imp.NETEM_FIELDS if getattr(imp, name))


NETEM_CASES = [
    Impairment(delay_ms=50),
    Impairment(jitter_ms=5),
    Impairment(loss_pct=10),
    Impairment(corrupt_pct=1),
    Impairment(duplicate_pct=1),
    Impairment(reorder_pct=25),
    Impairment(delay_ms=20, loss_pct=1, rate_kbps=500),
]


@pytest.mark.integration
@pytest.mark.parametrize("imp", NETEM_CASES, ids=_set_fields)
def test_netem_fields_are_refused_by_name_and_previous_qdisc_stays(veth_pair, imp):
    if detect_capabilities().netem:
        pytest.skip(reason=NEEDS_NO_NETEM)
    apply_impairment(veth_pair.path_a, "va", Impairment(rate_kbps=2000))
    before = read_impairment(veth_pair.path_a, "va")

    with pytest.raises(NetemUnavailable) as refused:
        apply_impairment(veth_pair.path_a, "va", imp)

    message = str(refused.value)
    assert "sch_netem" in message and platform.release() in message, message
    for name in imp.NETEM_FIELDS:
        assert (name in message) == bool(getattr(imp, name)), message
    assert read_impairment(veth_pair.path_a, "va") == before


@pytest.mark.integration
def test_netem_refused_on_a_plain_link_leaves_it_plain(veth_pair):
    if detect_capabilities().netem:
        pytest.skip(reason=NEEDS_NO_NETEM)
    with pytest.raises(NetemUnavailable):
        apply_impairment(veth_pair.path_a, "va", Impairment(delay_ms=10))
    assert read_impairment(veth_pair.path_a, "va") == {"kind": None}


@pytest.mark.integration
def test_missing_interface_and_namespace_are_named(veth_pair):
    with pytest.raises(InterfaceNotFound, match="interface nosuch0 does not exist"):
        apply_impairment(veth_pair.path_a, "nosuch0", Impairment(rate_kbps=100))
    gone = f"/var/run/netns/{NS_PREFIX}never-made"
    with pytest.raises(NamespaceUnavailable, match="does not exist"):
        apply_impairment(gone, "va", Impairment(rate_kbps=100))
    assert not os.path.exists(gone)  # and it was not created either


@pytest.mark.parametrize(
    "values",
    [
        {"loss_pct": 101},
        {"delay_ms": -1},
        {"rate_kbps": -5},
        {"jitter_ms": float("nan")},
        {"corrupt_pct": 250},
    ],
)
def test_out_of_range_values_are_refused_before_touching_the_kernel(values):
    field = next(iter(values))
    with pytest.raises(InvalidImpairment, match=field):
        apply_impairment("/nonexistent/netns", "va", Impairment(**values))
