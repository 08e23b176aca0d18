"""Runs INSIDE the kernel-test guest: VLANs on bridge switches, made by the engine itself.

Division of labour: this script builds the lab and records what the kernel and the traffic report
(JSON, written after every step so a crash keeps what was done); test_bridge_vlans.py on the host
decides what is right. There is no Docker in the guest, so every node is a plain `ip netns`
namespace held open by a `sleep` (its pid stands for the container's); the one stand-in is the
Docker part of the node kinds (`NamespaceNodes` answers "running, here is its pid"). Everything
else is the engine's own path: `BridgeSwitchNode.start` (the switch's `br0`, VLAN filtering),
`LabEngine.plumb_links` (veths, enslaving, each port's VLANs) and `LabEngine.apply_vlans` (a
PATCH of `vlans` on the running lab).

    h1 (10.50.0.1, VLAN 10) ─ eth0 ┐             ┌ eth0 ─ h3 (10.50.0.3, VLAN 10)
                                   sw1 ─ eth2 ═ eth2 ─ sw2        (trunk 10,20)
    h2 (10.50.0.2, VLAN 20) ─ eth1 ┘             └ eth1 ─ h4 (10.50.0.4, VLAN 20)

All hosts share one subnet, so only the VLANs keep them apart.

Usage (by guest_machine.run_in_guest): guest_bridge_vlans.py RESULT_JSON
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import SimpleNamespace

from webgns.compute.capabilities import detect_capabilities
from webgns.compute.kinds.registry import NodeKinds
from webgns.compute.lab import LabEngine
from webgns.compute.namespaces import netns_path
from webgns.compute.specs import BRIDGE, DOCKER, STARTED, Endpoint, LinkSpec, NodeSpec, NodeState

HOSTS = {"h1": ("sw1", "eth0", "10.50.0.1"), "h2": ("sw1", "eth1", "10.50.0.2"),
         "h3": ("sw2", "eth0", "10.50.0.3"), "h4": ("sw2", "eth1", "10.50.0.4")}  # fmt: skip
VLANS = {
    "sw1": {"eth0": {"access": 10}, "eth1": {"access": 20}, "eth2": {"trunk": [10, 20]}},
    "sw2": {"eth0": {"access": 10}, "eth1": {"access": 20}, "eth2": {"trunk": [10, 20]}},
}
PAIRS = {"h1_h3": ("h1", "h3"), "h2_h4": ("h2", "h4"), "h1_h2": ("h1", "h2"), "h1_h4": ("h1", "h4"),
         "h3_h4": ("h3", "h4")}  # fmt: skip


def sh(*command: str, check: bool = True, timeout: float = 60) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def path(ns: str) -> str:
    return f"/var/run/netns/{ns}"


def ping(src: str, dst: str, count: int = 3) -> int:
    """Replies received from `dst`'s address; a fresh ARP each time (the cache is flushed first)."""
    sh("ip", "-n", src, "neigh", "flush", "all", check=False)
    out = sh("ip", "netns", "exec", src, "ping", "-n", "-c", str(count), "-i", "0.2", "-W", "1",
             HOSTS[dst][2], check=False, timeout=30)  # fmt: skip
    received = re.search(r"(\d+) received", out)
    return int(received.group(1)) if received else 0


def reachability() -> dict[str, int]:
    return {name: ping(a, b) for name, (a, b) in PAIRS.items()}


def vlan_show(switch: str) -> dict[str, list]:
    """`bridge vlan show` per port, as the kernel reports it (iproute2, not our own parsing)."""
    ports = json.loads(sh("ip", "netns", "exec", switch, "bridge", "-j", "vlan", "show") or "[]")
    return {p["ifname"]: sorted(p.get("vlans", []), key=lambda v: v["vlan"]) for p in ports}


class NamespaceNodes:
    """The Docker part of the node kinds, for namespaces: each node "runs" as its namespace's sleeper."""

    def __init__(self) -> None:
        self.pids: dict[str, int] = {}
        self.sleepers: list[subprocess.Popen] = []

    def make(self, name: str) -> None:
        sh("ip", "netns", "add", name)
        sh("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", check=False)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        sleeper = subprocess.Popen(["ip", "netns", "exec", name, "sleep", "3600"])
        self.sleepers.append(sleeper)
        self.pids[name] = sleeper.pid  # `ip netns exec` execs sleep: same pid, once it has entered
        wanted = os.stat(f"/var/run/netns/{name}").st_ino
        deadline = time.monotonic() + 10
        while os.stat(netns_path(sleeper.pid)).st_ino != wanted:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sleeper of {name} never entered its namespace")
            time.sleep(0.01)

    def ensure_running(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        return NodeState(status=STARTED, pid=self.pids[node.name])

    def running_netns(self, node: NodeSpec) -> str | None:
        return netns_path(self.pids[node.name])


PROJECT = "kernel-test-vlans"
stand_in = NamespaceNodes()
engine = LabEngine(docker_client=SimpleNamespace(api=None))
engine.kinds = NodeKinds(stand_in)  # type: ignore[arg-type]  # the one stand-in: no Docker here
NODES = {name: NodeSpec(id=name, project_id=PROJECT, name=name, kind=DOCKER) for name in HOSTS}
NODES |= {sw: NodeSpec(id=sw, project_id=PROJECT, name=sw, kind=BRIDGE, ports=("eth0", "eth1", "eth2"))
          for sw in ("sw1", "sw2")}  # fmt: skip
LINKS = [LinkSpec(id=f"link-{h}", project_id=PROJECT, a=Endpoint(h, "eth0"), b=Endpoint(sw, port))
         for h, (sw, port, _) in HOSTS.items()]  # fmt: skip
LINKS.append(LinkSpec(id="link-trunk", project_id=PROJECT, a=Endpoint("sw1", "eth2"), b=Endpoint("sw2", "eth2")))


def links_of(node: str) -> list[LinkSpec]:
    return [lk for lk in LINKS if node in (lk.a.node_id, lk.b.node_id)]


def build() -> dict:
    """Nodes "start" (switches without VLANs first), links are plumbed, hosts get addresses."""
    for name in NODES:
        stand_in.make(name)
    for node in NODES.values():
        engine.kinds.of(node).start(node, None, True)
    states = engine.plumb_links(LINKS, NODES)
    for host, (_, _, address) in HOSTS.items():
        sh("ip", "-n", host, "addr", "add", f"{address}/24", "dev", "eth0")
    return {"links": {k: dataclasses.asdict(v) for k, v in states.items()}, "sw1": vlan_show("sw1")}


def start_with(vlans: dict[str, dict]) -> dict:
    """A lab started with VLANs: each switch starts (filtering on), its links are plumbed (idempotent)."""
    for switch, roles in vlans.items():
        NODES[switch] = dataclasses.replace(NODES[switch], vlans=roles)
        engine.kinds.of(NODES[switch]).start(NODES[switch], None, True)
    states = engine.plumb_links(LINKS, NODES)
    return {k: dataclasses.asdict(v) for k, v in states.items()}


def patch(switch: str, roles: dict) -> None:
    """A PATCH of the switch's `vlans` on the running lab: what the apply_vlans task calls."""
    NODES[switch] = dataclasses.replace(NODES[switch], vlans=roles)
    engine.apply_vlans(NODES[switch], links_of(switch))


def trunk_capture() -> dict:
    """Tagged frames seen on sw1's trunk port while h1→h3 (VLAN 10) and h2→h4 (VLAN 20) ping."""
    capture = subprocess.Popen(
        ["ip", "netns", "exec", "sw1", "tcpdump", "-i", "eth2", "-e", "-nn", "-l", "-c", "40",
         "icmp or (vlan and icmp)"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # Wait for tcpdump to listen (it says so on stderr), not a fixed time.
    assert capture.stderr is not None
    header = capture.stderr.readline()
    pings = {"h1_h3": ping("h1", "h3", 4), "h2_h4": ping("h2", "h4", 4)}
    time.sleep(0.5)  # let the last reply reach the capture buffer before it is stopped
    capture.terminate()
    out, _ = capture.communicate(timeout=10)
    tags = sorted({int(t) for t in re.findall(r"vlan (\d+)", out)})
    untagged_icmp = [line for line in out.splitlines() if "ICMP" in line and "vlan" not in line]
    return {"listening": header.strip(), "pings": pings, "tags": tags, "untagged_icmp": untagged_icmp[:5],
            "lines": out.splitlines()[:12]}  # fmt: skip


def main(result_path: str) -> int:
    results: dict = {"kernel": platform.release(), "steps": {}}

    def step(name: str, do) -> None:  # noqa: ANN001 — a local helper
        started = time.monotonic()
        try:
            results["steps"][name] = {"ok": True, "data": do()}
        except Exception:
            results["steps"][name] = {"ok": False, "error": traceback.format_exc()}
        results["steps"][name]["seconds"] = round(time.monotonic() - started, 2)
        Path(result_path).write_text(json.dumps(results, indent=1))

    step("capabilities", lambda: dataclasses.asdict(detect_capabilities()))
    step("build", build)
    # Control: before any VLAN, the one bridge domain lets every host reach every other.
    step("no_vlans", reachability)

    def with_vlans() -> dict:
        links = start_with(VLANS)
        return {"links": links, "reach": reachability(), "sw1": vlan_show("sw1"), "sw2": vlan_show("sw2")}

    step("vlans", with_vlans)

    def again() -> dict:  # ensure twice: nothing changes
        start_with(VLANS)
        for switch in ("sw1", "sw2"):
            patch(switch, VLANS[switch])
        return {"sw1": vlan_show("sw1"), "sw2": vlan_show("sw2")}

    step("vlans_again", again)
    step("trunk", trunk_capture)

    def move_h2() -> dict:  # on the fly: h2's port moves from VLAN 20 to VLAN 10
        patch("sw1", {**VLANS["sw1"], "eth1": {"access": 10}})
        return {"reach": reachability(), "sw1": vlan_show("sw1")}

    step("move_h2_to_vlan_10", move_h2)

    def clear() -> dict:  # vlans emptied on the running lab: one bridge domain again
        patch("sw1", {})
        patch("sw2", {})
        return {"reach": reachability()}

    step("cleared", clear)
    for sleeper in stand_in.sleepers:
        sleeper.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
