"""Runs INSIDE the kernel-test guest: exercises the project's impairment and OVS code there.

Division of labour: this script only does things and records what the kernel and the traffic
report back (JSON, one entry per check, written after every check so a crash keeps what was
done); test_kernel_features.py on the host decides what is right. Nodes are plain `ip netns`
namespaces (no Docker in the guest), which is what the engine's namespace-path API allows.

Usage (by guest_machine.run_in_guest): guest_checks.py RESULT_JSON
"""

from __future__ import annotations

import dataclasses
import json
import platform
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from pyroute2 import IPRoute

from webgns.compute.capabilities import detect_capabilities, forget_capabilities
from webgns.compute.impairments import apply_impairment, read_impairment
from webgns.compute.specs import Impairment

# Each case is applied in turn on the same interface, so each is also an in-place change of the
# previous one: a field left over from an earlier case would show in the report.
FIELD_CASES: dict[str, dict] = {
    "delay": {"delay_ms": 100},
    "jitter": {"delay_ms": 50, "jitter_ms": 10},
    "loss": {"loss_pct": 12.5},
    "corrupt": {"corrupt_pct": 3},
    "duplicate": {"duplicate_pct": 4},
    "reorder": {"delay_ms": 10, "reorder_pct": 25},
    "rate_with_netem": {"delay_ms": 10, "rate_kbps": 2000},
    "everything": {
        "delay_ms": 30,
        "jitter_ms": 3,
        "loss_pct": 1.5,
        "corrupt_pct": 0.5,
        "duplicate_pct": 2,
        "reorder_pct": 10,
        "rate_kbps": 8000,
    },  # fmt: skip
    "delay_only_after_everything": {"delay_ms": 20},
    "rate_only": {"rate_kbps": 3000},
    "cleared": {},
}
TRANSITIONS = [{"rate_kbps": 1000}, {"delay_ms": 5}, {"delay_ms": 7, "loss_pct": 1}, {"rate_kbps": 2000}, {}]
DELAY_MS = 100


class Pair:
    """Two namespaces joined by a veth: `va` in A (10.N.0.1), `vb` in B (10.N.0.2)."""

    def __init__(self, number: int) -> None:
        self.ns_a, self.ns_b = f"k{number}a", f"k{number}b"
        self.addr_a, self.addr_b = f"10.{number}.0.1", f"10.{number}.0.2"
        for ns in (self.ns_a, self.ns_b):
            sh("ip", "netns", "add", ns)
            # IPv6 is a module UML does not load here; where it exists, keep its chatter off the counters.
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", check=False)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", self.ns_a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", self.ns_b)
        for ns, ifname, addr in ((self.ns_a, "va", self.addr_a), (self.ns_b, "vb", self.addr_b)):
            sh("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", ifname)
            sh("ip", "-n", ns, "link", "set", ifname, "up")
        # Static neighbours: with traffic dropped one way, ARP would fail and hide the other way.
        for ns, ifname, addr, peer_ns, peer_if in (
            (self.ns_a, "va", self.addr_b, self.ns_b, "vb"),
            (self.ns_b, "vb", self.addr_a, self.ns_a, "va"),
        ):
            mac = json.loads(sh("ip", "-n", peer_ns, "-j", "link", "show", "dev", peer_if))[0]["address"]
            sh("ip", "-n", ns, "neigh", "replace", addr, "lladdr", mac, "dev", ifname, "nud", "permanent")

    @property
    def path_a(self) -> str:
        return f"/var/run/netns/{self.ns_a}"

    @property
    def path_b(self) -> str:
        return f"/var/run/netns/{self.ns_b}"

    def rx_packets(self, ns: str, ifname: str) -> int:
        link = json.loads(sh("ip", "-n", ns, "-s", "-j", "link", "show", "dev", ifname))[0]
        return link["stats64"]["rx"]["packets"]


def sh(*command: str, check: bool = True, timeout: float = 60) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def ping(ns: str, address: str, count: int, interval: float) -> dict:
    out = sh(
        "ip", "netns", "exec", ns, "ping", "-n", "-c", str(count), "-i", str(interval), "-W", "2", address,
        check=False, timeout=count * interval + 30,
    )  # fmt: skip
    rtts = [float(x) for x in re.findall(r"time=([\d.]+) ms", out)]
    received = re.search(r"(\d+) received", out)
    return {"rtts_ms": rtts, "sent": count, "received": int(received.group(1)) if received else 0}


def check_fields() -> dict:
    pair = Pair(1)
    reports = {}
    for name, values in FIELD_CASES.items():
        apply_impairment(pair.path_a, "va", Impairment.from_dict(values))
        reports[name] = {"asked": values, "report": read_impairment(pair.path_a, "va")}
    steps = []
    for values in TRANSITIONS:
        apply_impairment(pair.path_a, "va", Impairment.from_dict(values))
        apply_impairment(pair.path_a, "va", Impairment.from_dict(values))  # idempotent
        steps.append({"asked": values, "report": read_impairment(pair.path_a, "va")})
    return {
        "cases": reports,
        "transitions": steps,
        "peer_end": read_impairment(pair.path_b, "vb"),
        "plain_pyroute2_change": plain_pyroute2_change(pair),
    }


def plain_pyroute2_change(pair: Pair) -> dict:
    """The trap impairments.py avoids: pyroute2's tc() omits zero-valued netem attributes, and
    netem's change keeps the old corruption when its attribute is absent."""
    apply_impairment(pair.path_a, "va", Impairment())
    with IPRoute(netns=pair.path_a, flags=0) as ipr:
        index = ipr.link_lookup(ifname="va")[0]
        ipr.tc("replace", "netem", index, handle="1:", delay=10_000, prob_corrupt=5)
        ipr.tc("replace", "netem", index, handle="1:", delay=20_000)
    report = read_impairment(pair.path_a, "va")
    apply_impairment(pair.path_a, "va", Impairment())
    return report


def check_delay_raises_rtt() -> dict:
    pair = Pair(2)
    ping(pair.ns_a, pair.addr_b, 1, 1)  # warm up (first packet's costs are not the link's)
    plain = ping(pair.ns_a, pair.addr_b, 3, 1)
    apply_impairment(pair.path_a, "va", Impairment(delay_ms=DELAY_MS))
    delayed = ping(pair.ns_a, pair.addr_b, 4, 1)
    return {"delay_ms": DELAY_MS, "plain": plain, "delayed": delayed}


def check_full_loss() -> dict:
    pair = Pair(3)
    apply_impairment(pair.path_a, "va", Impairment(loss_pct=100))
    lossy = ping(pair.ns_a, pair.addr_b, 5, 0.2)
    apply_impairment(pair.path_a, "va", Impairment())
    restored = ping(pair.ns_a, pair.addr_b, 3, 0.2)
    return {"lossy": lossy, "restored": restored}


def check_per_direction() -> dict:
    pair = Pair(4)
    found = {}
    # a_to_b lives on a's end: drop everything A sends, then see what crosses each way.
    for direction, shaped_ns, shaped_if, pinger, target in (
        ("a_to_b", pair.path_a, "va", pair.ns_b, pair.addr_a),
        ("b_to_a", pair.path_b, "vb", pair.ns_a, pair.addr_b),
    ):
        apply_impairment(pair.path_a, "va", Impairment())
        apply_impairment(pair.path_b, "vb", Impairment())
        apply_impairment(shaped_ns, shaped_if, Impairment(loss_pct=100))
        before = {"a": pair.rx_packets(pair.ns_a, "va"), "b": pair.rx_packets(pair.ns_b, "vb")}
        result = ping(pinger, target, 5, 0.2)
        after = {"a": pair.rx_packets(pair.ns_a, "va"), "b": pair.rx_packets(pair.ns_b, "vb")}
        found[direction] = {
            "received_by_a": after["a"] - before["a"],
            "received_by_b": after["b"] - before["b"],
            "ping": result,
            "report_a": read_impairment(pair.path_a, "va"),
            "report_b": read_impairment(pair.path_b, "vb"),
        }
    return found


def start_ovs() -> None:
    """ovsdb-server and ovs-vswitchd on a fresh database in the guest's tmpfs /run."""
    rundir = Path("/run/openvswitch")
    rundir.mkdir(parents=True, exist_ok=True)
    db = rundir / "conf.db"
    sh("ovsdb-tool", "create", str(db), "/usr/share/openvswitch/vswitch.ovsschema")
    quiet = ["-vsyslog:off", "-vconsole:off"]
    sh(
        "ovsdb-server", str(db), f"--remote=punix:{rundir}/db.sock", f"--pidfile={rundir}/ovsdb-server.pid",
        f"--log-file={rundir}/ovsdb-server.log", "--detach", *quiet,
    )  # fmt: skip
    sh("ovs-vsctl", "--no-wait", "init")
    sh(
        "ovs-vswitchd", f"unix:{rundir}/db.sock", f"--pidfile={rundir}/ovs-vswitchd.pid",
        f"--log-file={rundir}/ovs-vswitchd.log", "--detach", *quiet,
    )  # fmt: skip


def check_ovs_kernel_datapath() -> dict:
    start_ovs()
    bridge = "wgsk0"
    ends = []
    for number, (ns, addr) in enumerate((("kovsc", "10.5.0.1"), ("kovsd", "10.5.0.2"))):
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        port = f"wgpk{number}"
        sh("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
        sh("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "link", "set", port, "up")
        ends.append((ns, addr, port))
    try:
        from webgns.compute import ovs_switch
    except ImportError:
        used = "ovs-vsctl directly (webgns.compute.ovs_switch not importable)"
        sh("ovs-vsctl", "--may-exist", "add-br", bridge, "--", "set", "Bridge", bridge, "datapath_type=system")
        for _ns, _addr, port in ends:
            sh("ovs-vsctl", "--may-exist", "add-port", bridge, port)
    else:
        used = "webgns.compute.ovs_switch (ensure_bridge, add_port)"
        ovs_switch.ensure_bridge(bridge, "kernel-test-project", "kernel-test-node", "kernel test switch")
        for number, (_ns, _addr, port) in enumerate(ends):
            ovs_switch.add_port(bridge, port, f"kernel-test-link-{number}")
    (ns_c, _addr_c, _), (_ns_d, addr_d, _) = ends
    result = ping(ns_c, addr_d, 4, 0.5)
    server = subprocess.Popen(["ip", "netns", "exec", "kovsd", "iperf3", "-s", "-1", "-B", addr_d])
    try:
        time.sleep(1)
        tcp = json.loads(sh("ip", "netns", "exec", ns_c, "iperf3", "-c", addr_d, "-t", "2", "-J", check=False))
    finally:
        server.kill()
        server.wait()
    return {
        "used": used,
        "datapath_type": sh("ovs-vsctl", "get", "Bridge", bridge, "datapath_type").strip().strip('"'),
        "dpctl_show": sh("ovs-dpctl", "show", check=False),
        "ping": result,
        "tcp_bps": tcp.get("end", {}).get("sum_received", {}).get("bits_per_second", 0),
        "tcp_error": tcp.get("error"),
    }


def check_capabilities() -> dict:
    forget_capabilities()  # OVS was started meanwhile
    return dataclasses.asdict(detect_capabilities())


CHECKS: dict[str, Callable[[], dict]] = {
    "fields": check_fields,
    "delay_rtt": check_delay_raises_rtt,
    "full_loss": check_full_loss,
    "per_direction": check_per_direction,
    "ovs_kernel_datapath": check_ovs_kernel_datapath,
    "capabilities": check_capabilities,
}


def main(result_path: str) -> int:
    results: dict = {"kernel": platform.release(), "lsmod": sh("lsmod", check=False), "checks": {}}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            results["checks"][name] = {"ok": True, "data": check()}
        except Exception:
            results["checks"][name] = {"ok": False, "error": traceback.format_exc()}
        results["checks"][name]["seconds"] = round(time.monotonic() - started, 2)
        Path(result_path).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
