"""Cross-host link (VXLAN between two compute hosts) against a local veth, measured in the same run.

Host b is a namespace with its own dockerd on this machine (tests/multihost/second_host.py), the
underlay a veth between the two; so the figures show the VXLAN encapsulation's own cost, not a
real network's. For each kind of link it starts two busybox containers, joins them (LabEngine's
veth code for the local link, `ensure_vxlan_end` on each host for the cross-host one), then runs
20 pings (0.1 s apart) and a 3-second iperf3 TCP test with the host's iperf3 inside the two
containers' namespaces. Then (`--lab N`, default 200; 0 skips it) it runs webgns on both hosts
(the live stack for host a, a webgns worker inside host b's namespace: tests/multihost/webgns_hosts.py)
and times the start of an N-node lab (busybox nodes joined in pairs) through the REST API: all on
host a, spread over both hosts with every link inside a host, and spread with every link across.
Everything is removed at the end, also on failure.

    flock /tmp/webgns-heavy.lock .venv/bin/python bench/bench_multihost.py [--lab 200]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
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
from tests.multihost.webgns_hosts import webgns_on_two_hosts  # noqa: E402
from tests.waiting import wait_for  # noqa: E402
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


PLACEMENTS = {
    "one host (a)": lambda i, n: "a",
    "two hosts, links inside each": lambda i, n: "a" if i < n // 2 else "b",
    "two hosts, every link across": lambda i, n: "ab"[i % 2],
}


def deploy_seconds(stack, host_b, n: int, placement) -> tuple[float, dict]:
    """Import an n-node lab (pairs of busybox nodes, one link each), place it, start it: seconds."""
    api, base = stack.api, stack.base_url
    document = {"format": "webgns-topology", "version": 1, "name": f"bench-{uuid.uuid4().hex[:6]}",
                "nodes": [{"name": f"h{i}", "template": "busybox", "x": i, "y": 0} for i in range(n)],
                "links": [{"a": {"node": f"h{i}", "port": "eth0"}, "b": {"node": f"h{i + 1}", "port": "eth0"}}
                          for i in range(0, n - 1, 2)]}
    response = api.post(f"{base}/api/projects/import/", json=document, timeout=120)
    response.raise_for_status()
    project = response.json()
    nodes = api.get(f"{base}/api/projects/{project['id']}/nodes/", timeout=60).json()
    nodes = nodes["results"] if isinstance(nodes, dict) else nodes
    with contextlib.closing(sqlite3.connect(stack.env["WEBGNS_DB_PATH"], timeout=30)) as db, db:
        db.executemany("UPDATE labs_node SET compute_host = ? WHERE id = ?",
                       [(placement(int(node["name"][1:]), n), uuid.UUID(node["id"]).hex) for node in nodes])
    started = time.monotonic()
    op_id = api.post(f"{base}/api/projects/{project['id']}/start/", timeout=60).json()["operation"]
    op = wait_for(lambda: (o := api.get(f"{base}/api/operations/{op_id}/", timeout=30).json())["status"]
                  in ("done", "error") and o, 900, what="the lab start", interval=0.2)
    elapsed = time.monotonic() - started
    links = api.get(f"{base}/api/projects/{project['id']}/links/", timeout=60).json()
    links = links["results"] if isinstance(links, dict) else links
    outcome = {"status": op["status"], "error": op["error"][:200],
               "links up": sum(1 for link in links if link["status"] == "up"), "links": len(links)}
    api.delete(f"{base}/api/projects/{project['id']}/", timeout=60)
    clients = (docker.from_env(), host_b.client())
    mine = {"label": f"webgns.project={project['id']}"}
    # sparse: a plain listing inspects each container, which races the removals it waits for.
    wait_for(lambda: not any(c.containers.list(all=True, sparse=True, filters=mine) for c in clients),
             300, what="the lab's containers to go", interval=0.5)
    return elapsed, outcome


def lab_figures(host_b, n: int) -> None:
    with tempfile.TemporaryDirectory() as directory, webgns_on_two_hosts(host_b, Path(directory)) as (stack, _):
        print(f"\n{n}-node lab start through the API ({n // 2} links), same run:")
        print(f"{'placement':<30} {'start s':>8} {'links up':>9}  status")
        for name, placement in PLACEMENTS.items():
            seconds, outcome = deploy_seconds(stack, host_b, n, placement)
            print(f"{name:<30} {seconds:>8.1f} {outcome['links up']:>4}/{outcome['links']:<4}  {outcome['status']}"
                  f" {outcome['error']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", type=int, default=200, help="nodes in the lab-start comparison (0: skip it)")
    args = parser.parse_args()
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
        for container in made:
            container.remove(force=True)
        made = []
        if args.lab:
            lab_figures(host_b, args.lab)
        return 0
    finally:
        for container in made:
            container.remove(force=True)
        stop_second_host(host_b)


if __name__ == "__main__":
    sys.exit(main())
