"""VLANs on bridge switches against a real kernel that has bridge VLAN filtering.

One guest boot runs guest_bridge_vlans.py (the engine's own start, plumb and apply_vlans paths on
namespaces); each test here asserts on one part of what it recorded. Skips only where no kernel
backend boots at all, naming each one tried and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .guest_results import boot_and_run, outcome_data

pytestmark = pytest.mark.kernel

ACCESS = ["PVID", "Egress Untagged"]
ISOLATED = {"h1_h2": 0, "h1_h4": 0, "h3_h4": 0}


@pytest.fixture(scope="module")
def guest() -> dict:
    return boot_and_run(Path(__file__).with_name("guest_bridge_vlans.py"), modules=("veth", "bridge"),
                        programs=("ip", "ping", "tcpdump"))  # fmt: skip


def data_of(guest: dict, step: str) -> dict:
    return outcome_data(guest, "steps", step)


def ports(show: dict) -> dict:
    return {port: [(v["vlan"], v.get("flags", [])) for v in vlans] for port, vlans in show.items() if port != "br0"}


def test_the_guest_kernel_can_filter_vlans_and_capabilities_say_so(guest):
    found = data_of(guest, "capabilities")
    assert found["bridge_vlan_filtering"], found["reasons"]
    assert "bridge_vlan_filtering" not in found["reasons"]


def test_without_vlans_every_host_reaches_every_other(guest):
    # The control: the separation below comes from the VLANs, not from the wiring.
    assert all(link["status"] == "up" for link in data_of(guest, "build")["links"].values())
    assert data_of(guest, "no_vlans") == {"h1_h3": 3, "h2_h4": 3, "h1_h2": 3, "h1_h4": 3, "h3_h4": 3}


def test_same_vlan_hosts_ping_across_the_trunk_and_other_vlans_cannot(guest):
    found = data_of(guest, "vlans")
    assert all(link["status"] == "up" for link in found["links"].values()), found["links"]
    assert found["reach"] == {"h1_h3": 3, "h2_h4": 3, **ISOLATED}


def test_ports_carry_exactly_their_vlans(guest):
    found = data_of(guest, "vlans")
    for switch in ("sw1", "sw2"):
        # Access: PVID + untagged of its VLAN alone (the kernel's default VLAN 1 is gone); trunk: tagged.
        assert ports(found[switch]) == {
            "eth0": [(10, ACCESS)], "eth1": [(20, ACCESS)], "eth2": [(10, []), (20, [])],
        }, found[switch]  # fmt: skip


def test_applying_the_same_vlans_again_changes_nothing(guest):
    first, again = data_of(guest, "vlans"), data_of(guest, "vlans_again")
    assert again["sw1"] == first["sw1"] and again["sw2"] == first["sw2"]


def test_the_trunk_carries_both_vlans_tagged(guest):
    found = data_of(guest, "trunk")
    assert found["pings"] == {"h1_h3": 4, "h2_h4": 4}
    assert found["tags"] == [10, 20], found["lines"]
    assert found["untagged_icmp"] == []


def test_moving_a_port_to_another_vlan_on_the_running_lab_takes_effect(guest):
    found = data_of(guest, "move_h2_to_vlan_10")
    assert ports(found["sw1"])["eth1"] == [(10, ACCESS)]
    assert found["reach"]["h1_h2"] == 3  # now both in VLAN 10
    assert found["reach"]["h2_h4"] == 0  # and no longer with h4 in VLAN 20
    assert found["reach"]["h1_h3"] == 3


def test_clearing_vlans_on_the_running_lab_makes_one_bridge_domain_again(guest):
    assert data_of(guest, "cleared")["reach"] == {"h1_h3": 3, "h2_h4": 3, "h1_h2": 3, "h1_h4": 3, "h3_h4": 3}
