"""What this compute host can do: Docker, the qdiscs impairments need, Open vSwitch and its datapath,
and the bridge VLAN filtering that VLANs on bridge switches need.

Division of labour: this module only finds out and explains (a `HostCapabilities` with a human
sentence per missing feature, for the API and the UI to grey things out); impairments.py and
switches.py still ask the kernel when they act and raise their own errors.

Qdiscs (on the loopback) and bridge VLAN filtering (on a bridge) are probed by really creating
them in a throwaway network namespace that lives only in a short-lived thread (unshare(CLONE_NEWNET)
affects the calling thread alone), so nothing is named, nothing is left behind, and the probe sees
exactly what the kernel accepts — including modules the kernel loads on demand. Results are cached
for the life of the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import errno
import functools
import os
import platform
import shutil
import subprocess
import threading
from collections.abc import Callable

from pyroute2 import IPRoute, NetlinkError

from webgns.compute.specs import HostCapabilities

CLONE_NEWNET = 0x40000000
COMMAND_TIMEOUT_S = 5

# A minimal valid configuration for each qdisc we may need, in pyroute2's units.
QDISC_PROBES: dict[str, dict] = {
    "tbf": {"rate": 125_000, "burst": 3028, "latency": 50_000},
    "htb": {"default": 1},
    "netem": {"delay": 1000},
}

KERNEL_MODULE_OF = {"tbf": "sch_tbf", "htb": "sch_htb", "netem": "sch_netem"}
QDISC_USE = {
    "tbf": "rate limits",
    "htb": "rate limits",
    "netem": "delay, jitter, loss, corruption, duplication and reordering",
}


def detect_capabilities() -> HostCapabilities:
    """Probe the host once per process; each call returns a fresh copy of the cached result."""
    found = _detect_once()
    return dataclasses.replace(found, reasons=dict(found.reasons))


def forget_capabilities() -> None:
    """Drop the cached result (after installing a module or starting ovs-vswitchd)."""
    _detect_once.cache_clear()


@functools.cache
def _detect_once() -> HostCapabilities:
    found = HostCapabilities()
    kernel = platform.release()

    found.docker, why = _docker_reachable()
    if not found.docker:
        found.reasons["docker"] = why

    for kind, error in _probe_qdiscs().items():
        setattr(found, kind, error is None)
        if error is not None:
            found.reasons[kind] = (
                f"{QDISC_USE[kind]} need the {KERNEL_MODULE_OF[kind]} kernel module, which this host's "
                f"kernel ({kernel}) lacks ({error})"
            )

    error = _probe_bridge_vlan_filtering()
    found.bridge_vlan_filtering = error is None
    if error is not None:
        found.reasons["bridge_vlan_filtering"] = (
            "VLANs on bridge switches need the kernel's bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), "
            f"which this host's kernel ({kernel}) lacks ({error}); use an ovs switch for VLANs"
        )

    found.ovs, why = _ovs_answering()
    if not found.ovs:
        found.reasons["ovs"] = why

    found.ovs_kernel_datapath, why = _ovs_kernel_module(kernel)
    if not found.ovs_kernel_datapath:
        found.reasons["ovs_kernel_datapath"] = why
    return found


def _docker_reachable() -> tuple[bool, str]:
    try:
        import docker  # imported here: a host without the SDK still gets the other answers

        client = docker.from_env(timeout=COMMAND_TIMEOUT_S)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # any failure means the same thing to the user: no nodes here
        return False, f"dockerd is not reachable ({error.__class__.__name__}: {error}); nodes cannot start"
    return True, ""


def _probe_qdiscs() -> dict[str, str | None]:
    """Each qdisc kind → None when the kernel accepted it, else the kernel's refusal."""
    results: dict[str, str | None] = {}

    def probe_in_own_namespace() -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.unshare(CLONE_NEWNET) != 0:
            failure = f"cannot create a probe namespace: {os.strerror(ctypes.get_errno())}"
            results.update(dict.fromkeys(QDISC_PROBES, failure))
            return
        with IPRoute() as ipr:
            names = {link.get_attr("IFLA_IFNAME") for link in ipr.get_links()}
            if names != {"lo"}:  # never touch a real namespace's qdiscs
                results.update(dict.fromkeys(QDISC_PROBES, f"probe namespace not fresh: {sorted(names)}"))
                return
            index = ipr.link_lookup(ifname="lo")[0]
            for kind, params in QDISC_PROBES.items():
                try:
                    ipr.tc("replace", kind, index, handle="1:", **params)
                    ipr.tc("del", index=index, handle="1:", parent=0xFFFFFFFF)
                    results[kind] = None
                except NetlinkError as error:
                    known = "unknown qdisc kind" if error.code == errno.ENOENT else os.strerror(error.code)
                    results[kind] = known

    probe = threading.Thread(target=probe_in_own_namespace, name="qdisc-probe", daemon=True)
    probe.start()
    probe.join(timeout=30)
    for kind in QDISC_PROBES:
        results.setdefault(kind, "the probe did not finish")
    return results


def _in_fresh_namespace(probe: Callable[[IPRoute], str | None], what: str) -> str | None:
    """`probe`'s answer, run in a network namespace of its own that dies with its short-lived thread."""
    answer: list[str | None] = []

    def run() -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.unshare(CLONE_NEWNET) != 0:
            answer.append(f"cannot create a probe namespace: {os.strerror(ctypes.get_errno())}")
            return
        with IPRoute() as ipr:
            names = {link.get_attr("IFLA_IFNAME") for link in ipr.get_links()}
            if names != {"lo"}:  # never touch a real namespace
                answer.append(f"probe namespace not fresh: {sorted(names)}")
                return
            answer.append(probe(ipr))

    thread = threading.Thread(target=run, name=f"{what}-probe", daemon=True)
    thread.start()
    thread.join(timeout=30)
    return answer[0] if answer else "the probe did not finish"


def _probe_bridge_vlan_filtering() -> str | None:
    """None when the kernel makes a bridge that filters VLANs, else its refusal."""

    def probe(ipr: IPRoute) -> str | None:
        try:
            ipr.link("add", ifname="wgvlanprobe", kind="bridge")
        except NetlinkError as error:
            return f"no bridges: {os.strerror(error.code)}"
        index = ipr.link_lookup(ifname="wgvlanprobe")[0]
        try:
            ipr.link("set", index=index, kind="bridge", br_vlan_filtering=1)
            found = ipr.link("get", index=index)[0]
            if not found.get_nested("IFLA_LINKINFO", "IFLA_INFO_DATA", "IFLA_BR_VLAN_FILTERING"):
                return "the bridge accepted vlan_filtering but does not report it on"
        except NetlinkError as error:
            return f"vlan_filtering refused: {os.strerror(error.code)}"
        return None

    return _in_fresh_namespace(probe, "bridge-vlan")


def _ovs_answering() -> tuple[bool, str]:
    for tool in ("ovs-vsctl", "ovs-appctl"):
        if shutil.which(tool) is None:
            return False, f"Open vSwitch is not installed ({tool} not found); ovs switches cannot start"
    checks = (
        (["ovs-vsctl", f"--timeout={COMMAND_TIMEOUT_S}", "show"], "ovsdb-server"),
        (["ovs-appctl", f"--timeout={COMMAND_TIMEOUT_S}", "-t", "ovs-vswitchd", "version"], "ovs-vswitchd"),
    )
    for command, daemon in checks:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S + 2)
        except subprocess.TimeoutExpired:
            return False, f"{daemon} does not answer; ovs switches cannot start"
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            return (
                False,
                f"{daemon} is not running ({detail[-1] if detail else 'no answer'}); ovs switches cannot start",
            )
    return True, ""


def _ovs_kernel_module(kernel: str) -> tuple[bool, str]:
    if os.path.isdir("/sys/module/openvswitch"):
        return True, ""
    modinfo = shutil.which("modinfo") or ("/sbin/modinfo" if os.path.exists("/sbin/modinfo") else None)
    if modinfo:
        done = subprocess.run([modinfo, "openvswitch"], capture_output=True, timeout=COMMAND_TIMEOUT_S)
        if done.returncode == 0:
            return True, ""  # loadable: ovs-vswitchd loads it when it creates a system datapath
    return False, (
        f"the openvswitch kernel module is neither loaded nor installed for this host's kernel ({kernel}); "
        "ovs switches use the slower userspace (netdev) datapath"
    )
