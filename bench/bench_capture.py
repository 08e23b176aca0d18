"""Capture and link-load benchmark.

1. Capture path: a real stack (tests/live_stack.py: Daphne + worker), a two-node busybox lab, a capture
   (filter `udp`) on pc1's end with a websocket client on it, and in the same run, on the same interface,
   `tcpdump -i eth0 -w /dev/null udp` in pc1's namespace. iperf3 (run in the nodes' namespaces) sends
   small UDP datagrams at each offered rate for a few seconds. Per rate: packets tcpdump captured (and the
   kernel dropped for it), packets the capture wrote, packets that reached the websocket client numbered
   without a gap, and how long after the traffic ended the client had the last one.
2. Link-load sampling: a chain of 101 plain network namespaces joined by 100 veth pairs (a 100-link lab's
   shape: each node's namespace holds its ends), sampled through `compute.link_counters` as the worker
   does; CPU and wall time per sample, and the size of the `link.stats` event it makes.

    .venv/bin/python bench/bench_capture.py [--rates 1000,5000,20000] [--seconds 4] [--links 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from tests.live_stack import LiveStack  # noqa: E402

DATAGRAM = 64  # bytes of UDP payload: many packets per second for few bits


def _lab(stack: LiveStack) -> tuple[str, str, int, int]:
    api, base = stack.api, f"{stack.base_url}/api"
    project = api.post(f"{base}/projects/", json={"name": f"bench-cap-{uuid.uuid4().hex[:6]}"}).json()["id"]
    busybox = next(t for t in api.get(f"{base}/templates/").json() if t["name"] == "busybox")["id"]
    nodes = [api.post(f"{base}/projects/{project}/nodes/", json={
        "name": f"pc{i}", "template": busybox, "startup": [f"ip addr add 10.75.0.{i}/24 dev eth0"]}).json()
        for i in (1, 2)]
    link = api.post(f"{base}/projects/{project}/links/", json={"a": {"node": nodes[0]["id"], "port": "eth0"},
                                                               "b": {"node": nodes[1]["id"], "port": "eth0"}}).json()
    api.post(f"{base}/projects/{project}/start/")
    deadline = time.monotonic() + 120
    while api.get(f"{base}/projects/{project}/links/{link['id']}/").json()["status"] != "up":
        if time.monotonic() > deadline:
            raise RuntimeError("the lab did not start")
        time.sleep(0.3)
    import docker

    client = docker.from_env()
    pids = [client.containers.list(filters={"label": f"webgns.node={n['id']}"})[0].attrs["State"]["Pid"] for n in nodes]
    return project, link["id"], pids[0], pids[1]


async def _one_rate(stack: LiveStack, project: str, link: str, pid_a: int, pid_b: int, rate: int, seconds: float,
                    port: int) -> dict:
    api, base = stack.api, f"{stack.base_url}/api/projects/{project}/links/{link}/captures/"
    capture = api.post(base, json={"end": "a", "filter": "udp"}).json()
    while api.get(f"{base}{capture['id']}/").json()["status"] != "running":
        await asyncio.sleep(0.1)
    tcpdump = subprocess.Popen(["nsenter", "-t", str(pid_a), "-n", "tcpdump", "-i", "eth0", "-w", "/dev/null", "-n",
                                "udp"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server = subprocess.Popen(["nsenter", "-t", str(pid_b), "-n", "iperf3", "-s", "-1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"{stack.ws_url}/ws/projects/{project}/captures/{capture['id']}/?token={stack.token}"
    numbers: list[int] = []
    arrival = [0.0]

    async def listen(socket) -> None:
        async for raw in socket:
            message = json.loads(raw)
            if message["type"] == "packets":
                numbers.extend(p["no"] for p in message["packets"])
                arrival[0] = time.monotonic()

    async with connect(url, origin=stack.base_url, max_size=None) as socket:
        listener = asyncio.create_task(listen(socket))
        await asyncio.sleep(0.8)  # tcpdump and the iperf3 server are listening
        bandwidth = rate * DATAGRAM * 8
        client = await asyncio.create_subprocess_exec(
            "nsenter", "-t", str(pid_a), "-n", "iperf3", "-c", "10.75.0.2", "-p", str(port), "-u", "-l",
            # -n (bytes to send), not -t: iperf3 takes whole seconds only.
            str(DATAGRAM), "-b", str(bandwidth), "-n", str(int(rate * seconds * DATAGRAM)), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        await client.wait()
        traffic_end = time.monotonic()
        await asyncio.sleep(0.5)
        tcpdump.send_signal(signal.SIGINT)
        _, err = tcpdump.communicate(timeout=10)
        api.post(f"{base}{capture['id']}/stop/")
        while api.get(f"{base}{capture['id']}/").json()["status"] != "stopped":
            await asyncio.sleep(0.1)
        ended = api.get(f"{base}{capture['id']}/").json()
        written, kernel_drops = ended["packets"], ended["kernel_drops"]
        deadline = time.monotonic() + 60
        while len(numbers) < written and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        listener.cancel()
    server.kill()
    server.wait()
    captured = int(re.search(r"(\d+) packets captured", err).group(1))
    dropped = int(re.search(r"(\d+) packets dropped by kernel", err).group(1))
    return {"rate": rate, "seconds": seconds, "tcpdump": captured, "tcpdump_dropped": dropped, "written": written,
            "kernel_drops": kernel_drops,
            "streamed": len(numbers), "contiguous": numbers == list(range(1, len(numbers) + 1)),
            "catch_up_s": max(0.0, arrival[0] - traffic_end)}


def capture_path(args) -> list[dict]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webgns.settings")
    results = []
    with LiveStack() as stack:
        project, link, pid_a, pid_b = _lab(stack)
        for i, rate in enumerate(args.rates):
            # Below the default 50 000-packet limit, so the whole burst is compared.
            seconds = min(args.seconds, 45000 / rate)
            results.append(asyncio.run(_one_rate(stack, project, link, pid_a, pid_b, rate, seconds, 5310 + i)))
            print(json.dumps(results[-1]), flush=True)
    return results


def _ip(*command: str) -> None:
    subprocess.run(["ip", *command], check=True, capture_output=True)


def link_load(args) -> dict:
    from webgns.compute.link_counters import CounterReader, LoadMeter
    from webgns.compute.links import LinkEnd

    tag = uuid.uuid4().hex[:5]
    names = [f"wgbl{tag}-{i}" for i in range(args.links + 1)]
    ends = {}
    try:
        for name in names:
            _ip("netns", "add", name)
        for i in range(args.links):
            a, b = names[i], names[i + 1]
            _ip("link", "add", "ra", "netns", a, "type", "veth", "peer", "rb", "netns", b)
            _ip("-n", a, "link", "set", "ra", "name", f"e{i}a", "up")
            _ip("-n", b, "link", "set", "rb", "name", f"e{i}b", "up")
            ends[f"link{i}"] = (LinkEnd(f"/var/run/netns/{a}", f"e{i}a"), LinkEnd(f"/var/run/netns/{b}", f"e{i}b"))
        figures = {}
        # Every link shaped (a qdisc dump per namespace too) and none: the two ends of the cost.
        for label, shaped in (("plain", set()), ("all shaped", set(ends))):
            meter, reader = LoadMeter(), CounterReader()
            cpu, wall, size = [], [], 0
            try:
                for _ in range(args.samples):
                    c0, w0 = time.process_time(), time.perf_counter()
                    rates = meter.rates(reader.read(ends, shaped))
                    if rates:
                        size = len(json.dumps({"type": "link.stats", "links": rates}, separators=(",", ":")))
                    cpu.append(time.process_time() - c0)
                    wall.append(time.perf_counter() - w0)
                    time.sleep(0.05)
            finally:
                reader.close()
            assert len(rates) == args.links, f"only {len(rates)} of {args.links} links read"
            figures[label] = {"cpu_ms": statistics.median(cpu[1:]) * 1000, "first_ms": wall[0] * 1000,
                              "wall_ms": statistics.median(wall[1:]) * 1000, "event_bytes": size}
        return {"links": args.links, "namespaces": len(names), "figures": figures}
    finally:
        for name in names:
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 5000, 20000])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--links", type=int, default=100)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--skip-capture", action="store_true")
    args = parser.parse_args()
    results = [] if args.skip_capture else capture_path(args)
    load = link_load(args)
    if results:
        print(f"capture path: UDP {DATAGRAM}-byte datagrams for up to {args.seconds} s at each offered rate; "
              "capture filter `udp` on pc1's eth0, tcpdump -w /dev/null on the same interface in the same run")
        print(f"{'offered pkt/s':>14}{'tcpdump':>9}{'(dropped)':>10}{'written':>9}{'(dropped)':>10}{'to ws':>8}"
              f"{'no gap':>8}"
              f"{'ws pkt/s':>10}{'catch-up s':>11}")
        for r in results:
            print(f"{r['rate']:>14}{r['tcpdump']:>9}{r['tcpdump_dropped']:>10}{r['written']:>9}{r['kernel_drops']:>10}"
              f"{r['streamed']:>8}"
                  f"{str(r['contiguous']):>8}{r['streamed'] / r['seconds']:>10.0f}{r['catch_up_s']:>11.2f}")
    for label, f in load["figures"].items():
        print(f"link-load sampling, {load['links']} links in {load['namespaces']} namespaces, {label}: "
              f"{f['cpu_ms']:.2f} ms CPU, {f['wall_ms']:.2f} ms wall per sample (one a second: "
              f"{f['cpu_ms'] / 10:.2f} % of a core; first sample {f['first_ms']:.1f} ms); "
              f"link.stats event {f['event_bytes']} bytes, 1 event/s per project")


if __name__ == "__main__":
    main()
