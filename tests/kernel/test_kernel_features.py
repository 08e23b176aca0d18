"""Impairments and the OVS kernel datapath against a real kernel that has them.

One guest boot runs every check in guest_checks.py (QEMU under TCG: boot ~5 s, the checks ~40 s;
UML or the host's own kernel where they work); each test here asserts on one part of what the
guest recorded. Skips only where no backend boots at all, naming each one tried and why. Timing
inside an emulated kernel is coarse, so traffic assertions are one-sided and wide, and exact
values are asserted on what the kernel reports back over netlink.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from webgns.compute.specs import Impairment

from .guest_checks import DELAY_MS, FIELD_CASES, TRANSITIONS
from .guest_results import boot_and_run, outcome_data
from .guest_run import PROBE_MODULES

pytestmark = pytest.mark.kernel

# What guest_checks.py runs of the host's programs inside the guest.
GUEST_PROGRAMS = ("ip", "ping", "lsmod", "iperf3", "ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl",
                  "ovs-dpctl")  # fmt: skip
# An emulated kernel's clock ticks coarsely; a netem delay never sends early, but the measurement may round down.
CLOCK_SLACK_MS = 1.0


@pytest.fixture(scope="module")
def guest() -> dict:
    # The bridge module too: the capabilities check asks for bridge VLAN filtering.
    return boot_and_run(Path(__file__).with_name("guest_checks.py"), modules=PROBE_MODULES, programs=GUEST_PROGRAMS)


def data_of(guest: dict, check: str) -> dict:
    return outcome_data(guest, "checks", check)


def test_guest_runs_a_kernel_with_the_modules(guest):
    loaded = {line.split()[0] for line in guest["lsmod"].splitlines()[1:]}
    assert {"veth", "sch_netem", "sch_tbf", "openvswitch"} <= loaded


@pytest.mark.parametrize("case", list(FIELD_CASES))
def test_kernel_reports_back_each_field_as_asked(guest, case):
    entry = data_of(guest, "fields")["cases"][case]
    asked, report = Impairment.from_dict(entry["asked"]), entry["report"]
    if asked.is_empty:
        assert report == {"kind": None}
        return
    assert report["kind"] == ("netem" if asked.needs_netem else "tbf")
    if asked.needs_netem:
        # Every netem field, asked or not: a field left from the previous case would show here.
        for name in Impairment.NETEM_FIELDS:
            assert report[name] == pytest.approx(getattr(asked, name), abs=1e-3), name
        assert report["rate_kbps"] == asked.rate_kbps
    else:
        assert report["rate_kbps"] == asked.rate_kbps
        assert report["burst_bytes"] >= 1514  # a full frame always fits the bucket
    assert Impairment.from_dict(report) == asked


def test_netem_queue_is_sized_for_the_delay(guest):
    cases = data_of(guest, "fields")["cases"]
    assert cases["loss"]["report"]["limit"] == 1000  # no delay: the kernel's default is enough
    # 100 ms on a link sized as 1 Gbit/s is ~8300 full frames in flight: the default 1000 would drop.
    assert cases["delay"]["report"]["limit"] >= 8300


def test_changing_kind_swaps_the_root_qdisc_and_same_kind_changes_in_place(guest):
    steps = data_of(guest, "fields")["transitions"]
    kinds = [step["report"]["kind"] for step in steps]
    handles = [step["report"].get("handle") for step in steps]
    assert kinds == ["tbf", "netem", "netem", "tbf", None]
    assert handles[1] != handles[0] and handles[2] == handles[1] and handles[3] != handles[2]
    for step, wanted in zip(steps, TRANSITIONS, strict=True):
        assert Impairment.from_dict(step["report"]) == Impairment.from_dict(wanted)
    assert data_of(guest, "fields")["peer_end"] == {"kind": None}  # b's end was never touched


def test_a_plain_pyroute2_change_would_have_kept_old_fields(guest):
    # Why impairments.py builds its netem request by hand: this is what it avoids.
    report = data_of(guest, "fields")["plain_pyroute2_change"]
    assert report["delay_ms"] == 20 and report["corrupt_pct"] == 5


def test_delay_raises_ping_rtt_by_at_least_the_delay(guest):
    found = data_of(guest, "delay_rtt")
    plain, delayed = found["plain"]["rtts_ms"], found["delayed"]["rtts_ms"]
    assert len(plain) == 3 and len(delayed) == 4, found
    assert min(delayed) >= DELAY_MS - CLOCK_SLACK_MS, delayed
    assert statistics.median(delayed) - statistics.median(plain) >= DELAY_MS - CLOCK_SLACK_MS
    assert max(delayed) < DELAY_MS * 3, delayed  # and not something else entirely (a hang, a timeout)


def test_full_loss_drops_everything_and_clearing_restores(guest):
    found = data_of(guest, "full_loss")
    assert found["lossy"]["sent"] == 5 and found["lossy"]["received"] == 0
    assert found["restored"]["received"] == found["restored"]["sent"] == 3


@pytest.mark.parametrize(
    ("direction", "shaped_end", "blocked_receiver", "open_receiver"),
    [
        ("a_to_b", "report_a", "received_by_b", "received_by_a"),
        ("b_to_a", "report_b", "received_by_a", "received_by_b"),
    ],
)
def test_a_direction_lives_on_its_senders_end_only(guest, direction, shaped_end, blocked_receiver, open_receiver):
    found = data_of(guest, "per_direction")[direction]
    other_end = "report_b" if shaped_end == "report_a" else "report_a"
    assert found[shaped_end]["kind"] == "netem" and found[shaped_end]["loss_pct"] == 100
    assert found[other_end] == {"kind": None}
    # 5 pings from the receiver side: its requests all cross; every reply is dropped on the shaped end.
    assert found[open_receiver] >= 5, found
    assert found[blocked_receiver] == 0, found
    assert found["ping"]["received"] == 0


def test_ovs_switch_on_the_kernel_datapath_forwards_between_namespaces(guest):
    found = data_of(guest, "ovs_kernel_datapath")
    assert found["datapath_type"] == "system"
    dpctl = found["dpctl_show"]
    assert "system@ovs-system" in dpctl and "wgpk0" in dpctl and "wgpk1" in dpctl, dpctl
    assert found["ping"]["received"] == found["ping"]["sent"] == 4
    assert found["tcp_error"] is None and found["tcp_bps"] > 100e6, found


def test_capabilities_inside_the_guest_see_netem_and_the_ovs_kernel_datapath(guest):
    found = data_of(guest, "capabilities")
    assert found["netem"] and found["tbf"] and found["htb"]
    assert found["ovs"] and found["ovs_kernel_datapath"]
    assert not found["docker"] and "dockerd" in found["reasons"]["docker"]
    assert set(found["reasons"]) == {"docker"}
