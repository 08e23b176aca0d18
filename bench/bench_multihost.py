"""Cross-host link (VXLAN between two compute hosts) against a local veth, measured in the same run.

Host b is a namespace with its own dockerd on this machine (tests/multihost/second_host.py), the
underlay a veth between the two; so the figures show the VXLAN encapsulation's own cost, not a
real network's. For each kind of link it starts two busybox containers, joins them (LabEngine's
veth code for the local link, `ensure_vxlan_end` on each host for the cross-host one), then runs
20 pings (0.1 s apart) and a 3-second iperf3 TCP test with the host's iperf3 inside the two
containers' namespaces. Everything is removed at the end, also on failure.

    .venv/bin/python bench/bench_multihost.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import docker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.multihost.second_host import (  # noqa: E402
    HOST_A_UNDERLAY,
    HOST_B_UNDERLAY,
    IMAGE,
    start_second_host,
    stop_second_host,
)
from webgns.compute.links import LinkEnd, ensure_veth  # noqa: E402
from webgns.compute.namespaces import NetlinkSessions, netns_path  # noqa: E402
from webgns.compute.vxlan_links import Tunnel, ensure_vxlan_end  # noqa: E402


def node(client: docker.DockerClient, name: str):
    container = client.containers.run(
        IMAGE, ["sleep", "3600"], name=name, detach=True, network_mode="none",
        cap_add=["NET_ADMIN", "NET_RAW"], labels={"webgns.bench": "multihost"},
    )  # fmt: skip
    container.reload()
    return container


def measure(a, b) -> dict:
    pid_a, pid_b = a.attrs["State"]["Pid"], b.attrs["State"]["Pid"]
    a.exec_run(["ip", "addr", "add", "10.72.0.1/24", "dev", "eth0"])
    b.exec_run(["ip", "addr", "add", "10.72.0.2/24", "dev", "eth0"])
    _, out = a.exec_run(["ping", "-c", "20", "-i", "0.1", "10.72.0.2"])
    rtts = [float(x) for x in re.findall(rb"time=([\d.]+)", out)]
    server = subprocess.Popen(["nsenter", f"--net=/proc/{pid_b}/ns/net", "iperf3", "-s", "-1", "-B", "10.72.0.2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(50):
            done = subprocess.run(["nsenter", f"--net=/proc/{pid_a}/ns/net", "iperf3", "-c", "10.72.0.2", "-t", "3",
                                   "-J"], capture_output=True, text=True, timeout=60)  # fmt: skip
            report = json.loads(done.stdout or "{}")
            if "error" not in report:
                break
            time.sleep(0.1)
    finally:
        server.kill()
        server.wait()
    return {"rtts": rtts, "bps": report.get("end", {}).get("sum_received", {}).get("bits_per_second")}


def main() -> int:
    tag = uuid.uuid4().hex[:6]
    client_a = docker.from_env()
    host_b = start_second_host()
    made = []
    try:
        client_b = host_b.client()
        figures = {}
        # Local: both nodes on host a, a veth pair.
        a1, a2 = node(client_a, f"bmh-l1-{tag}"), node(client_a, f"bmh-l2-{tag}")
        made += [a1, a2]
        with NetlinkSessions() as sessions:
            ensure_veth(sessions, f"webgns:bmh-l-{tag}", LinkEnd(netns_path(a1.attrs["State"]["Pid"]), "eth0"),
                        LinkEnd(netns_path(a2.attrs["State"]["Pid"]), "eth0"))  # fmt: skip
        figures["local veth (host a)"] = measure(a1, a2)
        # Cross-host: one node on each host, a VXLAN end made by each.
        x1, x2 = node(client_a, f"bmh-x1-{tag}"), node(client_b, f"bmh-x2-{tag}")
        made += [x1, x2]
        with NetlinkSessions() as sessions:
            alias, vni = f"webgns:bmh-x-{tag}", 90000 + int(tag[:4], 16) % 1000
            ensure_vxlan_end(sessions, alias, LinkEnd(netns_path(x1.attrs["State"]["Pid"]), "eth0"),
                             Tunnel(vni, HOST_A_UNDERLAY, HOST_B_UNDERLAY, host_b.underlay_a))  # fmt: skip
            tunnel_b = Tunnel(vni, HOST_B_UNDERLAY, HOST_A_UNDERLAY, host_b.underlay_b)
            ensure_vxlan_end(sessions, alias, LinkEnd(netns_path(x2.attrs["State"]["Pid"]), "eth0"), tunnel_b,
                             host_b.netns)  # fmt: skip
        figures["VXLAN a <-> b"] = measure(x1, x2)
        print(f"{'link':<22} {'ping min/median/max ms':>24} {'TCP Gbit/s':>11}")
        for name, found in figures.items():
            rtts = sorted(found["rtts"])
            rtt = f"{rtts[0]:.3f}/{rtts[len(rtts) // 2]:.3f}/{rtts[-1]:.3f}" if rtts else "no replies"
            tcp = f"{found['bps'] / 1e9:.2f}" if found["bps"] else "failed"
            print(f"{name:<22} {rtt:>24} {tcp:>11}")
        print("\nhost b: a namespace with its own dockerd on this machine; underlay: a veth (MTU 1500)")
        return 0
    finally:
        for container in made:
            container.remove(force=True)
        stop_second_host(host_b)


if __name__ == "__main__":
    sys.exit(main())
