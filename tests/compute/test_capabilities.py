"""Capability detection checked against independent oracles: the `tc`, `docker` and OVS tools.

The oracle for each qdisc is `tc qdisc add ... root <kind>` on the loopback of a fresh
`ip netns` namespace (named `wgtcap-<random>`, deleted in a finalizer), so the test agrees with
the kernel whatever host it runs on; on this machine that means netem False, tbf and htb True.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import time
import uuid

import pytest

from webgns.compute.capabilities import detect_capabilities, forget_capabilities

TC_ARGS = {
    "tbf": ["rate", "1mbit", "burst", "3028", "latency", "50ms"],
    "htb": ["default", "1"],
    "netem": ["delay", "1ms"],
}


@pytest.fixture(scope="module")
def kernel_takes() -> dict[str, bool]:
    if shutil.which("tc") is None:
        pytest.skip(reason="needs the tc tool (iproute2) as an oracle")
    ns = f"wgtcap-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        taken = {}
        for kind, args in TC_ARGS.items():
            done = subprocess.run(
                ["ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", "lo", "root", kind, *args],
                capture_output=True,
            )
            taken[kind] = done.returncode == 0
        return taken
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=True)


@pytest.mark.integration
@pytest.mark.parametrize("kind", sorted(TC_ARGS))
def test_qdisc_capabilities_match_what_tc_gets_from_the_kernel(kind, kernel_takes):
    found = detect_capabilities()
    assert getattr(found, kind) == kernel_takes[kind]
    if kernel_takes[kind]:
        assert kind not in found.reasons
    else:
        reason = found.reasons[kind]
        assert f"sch_{kind}" in reason and platform.release() in reason, reason


@pytest.mark.integration
def test_this_machine_has_tbf_but_not_netem(kernel_takes):
    if kernel_takes["netem"]:
        pytest.skip(reason="this host's kernel has sch_netem; the statement is about the project's build host")
    found = detect_capabilities()
    assert found.tbf and found.htb and not found.netem
    assert "delay" in found.reasons["netem"]


@pytest.mark.integration
def test_docker_and_ovs_match_their_own_tools():
    found = detect_capabilities()
    docker_ok = (
        shutil.which("docker") is not None
        and subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    )
    assert found.docker == docker_ok, found.reasons.get("docker")
    vswitchd_ok = (
        shutil.which("ovs-appctl") is not None
        and subprocess.run(
            ["ovs-appctl", "--timeout=5", "-t", "ovs-vswitchd", "version"], capture_output=True, timeout=10
        ).returncode
        == 0
    )
    assert found.ovs == vswitchd_ok, found.reasons.get("ovs")
    if os.path.isdir("/sys/module/openvswitch"):
        assert found.ovs_kernel_datapath
    if not found.ovs_kernel_datapath:
        assert "openvswitch kernel module" in found.reasons["ovs_kernel_datapath"]


@pytest.mark.integration
def test_results_are_cached_per_process_and_handed_out_as_copies():
    forget_capabilities()
    started = time.perf_counter()
    first = detect_capabilities()
    probing = time.perf_counter() - started
    first.reasons["tampered"] = "by a caller"
    first.netem = not first.netem
    started = time.perf_counter()
    second = detect_capabilities()
    cached = time.perf_counter() - started

    assert "tampered" not in second.reasons and second.netem != first.netem
    assert cached < probing / 10, (cached, probing)


@pytest.mark.integration
def test_bridge_vlan_filtering_matches_what_iproute2_gets_from_the_kernel():
    # Oracle: iproute2 (not pyroute2) turning vlan_filtering on for a bridge in a fresh namespace.
    ns = f"wgtcap-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        made = subprocess.run(["ip", "-n", ns, "link", "add", "br0", "type", "bridge"], capture_output=True)
        assert made.returncode == 0, made.stderr
        done = subprocess.run(["ip", "-n", ns, "link", "set", "br0", "type", "bridge", "vlan_filtering", "1"],
                              capture_output=True, text=True)  # fmt: skip
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=True)
    found = detect_capabilities()
    assert found.bridge_vlan_filtering == (done.returncode == 0), done.stderr
    if not found.bridge_vlan_filtering:
        reason = found.reasons["bridge_vlan_filtering"]
        assert "CONFIG_BRIDGE_VLAN_FILTERING" in reason and platform.release() in reason and "ovs" in reason
