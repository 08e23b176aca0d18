"""Deploy chain labs of busybox nodes through LabEngine, next to bare containers, in one run.

For each size N it prints: the time until all N bare containers run (docker create+start through
the same SDK and the same thread pool: the baseline), the time until all N lab nodes run through
`LabEngine.start_nodes`, their ratio (target <= 1.25), the plumbing time of the chain's N-1 links
divided by N-1 (target <= 2 ms/link), and the host memory each kind of node costs (MemTotal -
MemAvailable, before and after, divided by N). Everything it creates is removed at the end, also
on failure or Ctrl-C.

    .venv/bin/python bench/bench_deploy.py            # chains of 10 and 100
    .venv/bin/python bench/bench_deploy.py --max 1000 # ... and 1000 (takes minutes)
    .venv/bin/python bench/bench_deploy.py --router   # chains of FRR routers (webgns/frr, daemons running)

With `--router` both sides run the FRR image's own start command (watchfrr, zebra, ospfd, …) with
what the `frr` template gives a node (SYS_ADMIN, forwarding sysctls, 512 MB, 1 CPU): the baseline
is the same image started by plain `docker run`s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webgns.compute.lab import LabEngine  # noqa: E402
from webgns.compute.specs import LINK_UP, STARTED, Endpoint, LinkSpec, NodeSpec  # noqa: E402

IMAGE = "webgns/busybox:latest"
ROUTER_IMAGE = "webgns/frr:latest"
# What the built-in `frr` template gives a node (seed_templates.py), so the baseline runs the same.
ROUTER = {"capabilities": ("SYS_ADMIN",), "memory_mb": 512, "cpus": 1.0,
          "sysctls": {"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1"}}
image, router = IMAGE, False  # set by --router
BENCH_LABEL = "webgns.bench"
SETTLE_SECONDS = 2  # let containerd-shims and page cache settle before reading memory


def used_memory_bytes() -> int:
    fields = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0]) * 1024
    return fields["MemTotal"] - fields["MemAvailable"]


def bare_baseline(client: docker.DockerClient, count: int, parallelism: int, run_id: str) -> tuple[float, float]:
    """Seconds until `count` plain containers run, and bytes of memory each; then removes them."""
    api = client.api
    if router:
        host_config = api.create_host_config(
            network_mode="none", cap_add=["NET_ADMIN", "NET_RAW", *ROUTER["capabilities"]],
            sysctls=ROUTER["sysctls"], mem_limit=f"{ROUTER['memory_mb']}m", nano_cpus=int(ROUTER["cpus"] * 1e9),
        )  # fmt: skip
    else:
        host_config = api.create_host_config(network_mode="none")

    def run_one(index: int) -> str:
        created = api.create_container(
            image,
            command=None if router else ["sleep", "86400"],
            name=f"webgns-bench-{run_id}-{index}",
            labels={BENCH_LABEL: run_id},
            host_config=host_config,
        )
        api.start(created["Id"])
        return created["Id"]

    before = used_memory_bytes()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        ids = list(pool.map(run_one, range(count)))
    elapsed = time.perf_counter() - started
    time.sleep(SETTLE_SECONDS)
    per_node = (used_memory_bytes() - before) / count
    remove_bare(client, run_id, ids)
    return elapsed, per_node


def remove_bare(client: docker.DockerClient, run_id: str, ids: list[str] | None = None) -> None:
    api = client.api
    if ids is None:
        ids = [c["Id"] for c in api.containers(all=True, filters={"label": f"{BENCH_LABEL}={run_id}"})]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda cid: api.remove_container(cid, force=True), ids))


def chain(count: int) -> tuple[list[NodeSpec], list[LinkSpec]]:
    project_id = str(uuid.uuid4())
    extra = ROUTER if router else {}
    nodes = [
        NodeSpec(id=str(uuid.uuid4()), project_id=project_id, name=f"n{i}", image=image, ports=("eth0", "eth1"),
                 **extra)
        for i in range(count)
    ]
    links = [
        LinkSpec(
            id=str(uuid.uuid4()),
            project_id=project_id,
            a=Endpoint(nodes[i].id, "eth1"),
            b=Endpoint(nodes[i + 1].id, "eth0"),
        )
        for i in range(count - 1)
    ]
    return nodes, links


def engine_run(engine: LabEngine, count: int, parallelism: int) -> dict[str, float]:
    nodes, links = chain(count)
    project_id = nodes[0].project_id
    try:
        before = used_memory_bytes()
        started = time.perf_counter()
        states = engine.start_nodes(nodes, parallelism=parallelism)
        start_seconds = time.perf_counter() - started
        failed = [s for s in states.values() if s.status != STARTED]
        if failed:
            raise SystemExit(f"{len(failed)} nodes failed to start, e.g. {failed[0].error}")
        started = time.perf_counter()
        link_states = engine.plumb_links(links, {n.id: n for n in nodes})
        plumb_seconds = time.perf_counter() - started
        down = [s for s in link_states.values() if s.status != LINK_UP]
        if down:
            raise SystemExit(f"{len(down)} links not up, e.g. {down[0].error}")
        # One real packet across the first link, so the figures are for a working lab.
        engine.exec(nodes[0], "ip addr add 10.99.0.1/30 dev eth1")
        engine.exec(nodes[1], "ip addr add 10.99.0.2/30 dev eth0")
        if engine.exec(nodes[0], "ping -c 1 -W 2 10.99.0.2").exit_code != 0:
            raise SystemExit("the first link of the chain does not carry a ping")
        time.sleep(SETTLE_SECONDS)
        per_node = (used_memory_bytes() - before) / count
        started = time.perf_counter()
        engine.remove_project(project_id)
        remove_seconds = time.perf_counter() - started
    finally:
        engine.remove_project(project_id)
    return {"start": start_seconds, "plumb": plumb_seconds, "memory": per_node, "remove": remove_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, default=100, help="largest chain (10, 100, 1000, ... up to this)")
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each size this many times and keep the fastest (noisy hosts)"
    )
    parser.add_argument("--router", action="store_true", help=f"chains of FRR routers ({ROUTER_IMAGE})")
    args = parser.parse_args()
    global image, router
    if args.router:
        image, router = ROUTER_IMAGE, True
    sizes = [n for n in (10, 100, 1000, 10000) if n <= args.max] or [args.max]

    client = docker.from_env()
    engine = LabEngine(client)
    run_id = uuid.uuid4().hex[:8]
    rows = []
    try:
        for count in sizes:
            bare_runs, lab_runs = [], []
            for _ in range(max(1, args.repeat)):  # interleaved, so both see the same neighbours
                bare_runs.append(bare_baseline(client, count, args.parallelism, run_id))
                lab_runs.append(engine_run(engine, count, args.parallelism))
            bare_seconds, bare_memory = min(bare_runs)
            lab = {key: min(run[key] for run in lab_runs) for key in lab_runs[0]}
            rows.append((count, bare_seconds, lab, bare_memory))
            print(f"  done: chain of {count}", file=sys.stderr, flush=True)
    finally:
        remove_bare(client, run_id)

    print(
        f"parallelism {args.parallelism}; best of {max(1, args.repeat)}; image {image}; "
        f"memory = MemTotal-MemAvailable delta / nodes; load average {os.getloadavg()[0]:.1f}"
    )
    header = (
        f"{'nodes':>6} {'bare s':>8} {'lab s':>8} {'ratio':>6} {'links':>6} {'ms/link':>8} "
        f"{'bare MB/node':>13} {'lab MB/node':>12} {'remove s':>9}"
    )
    print(header)
    for count, bare_seconds, lab, bare_memory in rows:
        links = count - 1
        print(
            f"{count:>6} {bare_seconds:>8.2f} {lab['start']:>8.2f} {lab['start'] / bare_seconds:>6.2f} "
            f"{links:>6} {lab['plumb'] * 1000 / links:>8.2f} {bare_memory / 2**20:>13.2f} "
            f"{lab['memory'] / 2**20:>12.2f} {lab['remove']:>9.2f}"
        )
    print("targets: ratio <= 1.25, ms/link <= 2")


if __name__ == "__main__":
    main()
