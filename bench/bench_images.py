"""Node images and the OSPF example: image build times (first and cached) and OSPF convergence.

1. Images: `scripts/build-images.sh` with WEBGNS_IMAGE_FORCE=1 and an empty package cache (a first
   build: every .deb downloaded), again forced with the cache now warm (a rebuild after a recipe
   change), then unforced (nothing changed: the cached case `make run` meets every time). Prints
   each run's wall time and the images' sizes. Skipped with --no-build.
2. OSPF: the shipped example `examples/ospf-triangle.json` imported into a throw-away database
   (its templates from `seed_templates`), turned into engine specs exactly as the worker does, and
   started through `LabEngine` (nodes, links, startup lines); the time from Start until every
   adjacency is Full (`vtysh -c 'show ip ospf neighbor json'` on each router). Beside it, the
   baseline of the same run: the same five containers (same images, no files, no links) created
   and started bare through the same Docker SDK, and OSPF's own floor with these timers (a
   point-to-point adjacency needs one hello each way: ~1 s after both ends are up).
   Everything it creates is removed at the end, also on failure.

    .venv/bin/python bench/bench_images.py              # both
    .venv/bin/python bench/bench_images.py --no-build   # OSPF only
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

IMAGES = ("webgns/host:latest", "webgns/frr:latest", "webgns/busybox:latest")
ROUTERS = {"r1": 2, "r2": 2, "r3": 2}
BARE_LABEL = "webgns.bench-images"


def build(env: dict) -> float:
    started = time.monotonic()
    subprocess.run(["scripts/build-images.sh", "--strict"], cwd=REPO, env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def image_sizes() -> dict[str, float]:
    import docker

    client = docker.from_env()
    return {name: client.images.get(name).attrs["Size"] / 1e6 for name in IMAGES}


def bench_builds() -> None:
    with tempfile.TemporaryDirectory(prefix="webgns-bench-debs-") as cache:
        first = build({"WEBGNS_IMAGE_FORCE": "1", "WEBGNS_IMAGE_CACHE": cache})
        warm = build({"WEBGNS_IMAGE_FORCE": "1", "WEBGNS_IMAGE_CACHE": cache})
    cached = build({})
    print(f"image builds (host + frr): first {first:.1f} s (empty package cache), rebuild {warm:.1f} s "
          f"(packages cached), unchanged {cached:.2f} s")
    print("  baseline: budget for the first build of both: 600 s")
    for name, size in image_sizes().items():
        print(f"  {name}: {size:.0f} MB")


def setup_django(data_dir: Path) -> None:
    os.environ.update({
        "WEBGNS_DATA_DIR": str(data_dir),
        "WEBGNS_DB_PATH": str(data_dir / "bench.sqlite3"),
        "WEBGNS_SECRET_KEY": secrets.token_urlsafe(32),
        "DJANGO_SETTINGS_MODULE": "webgns.settings",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_templates", stdout=quiet)


def full_count(engine, spec) -> int:
    result = engine.exec(spec, "vtysh -c 'show ip ospf neighbor json'", timeout=10)
    try:
        neighbours = json.loads(result.output).get("neighbors", {})
    except ValueError:
        return 0
    return sum(1 for entries in neighbours.values() for n in entries if n.get("state", "").startswith("Full"))


def bench_ospf() -> None:
    import docker
    from django.contrib.auth import get_user_model

    from webgns.compute.lab import LabEngine
    from webgns.labs import examples, topology
    from webgns.tasks.specs_from_models import link_spec, node_spec

    owner = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:6]}")
    project = topology.import_project(examples.load("ospf-triangle"), owner)
    nodes = {n.name: node_spec(n) for n in project.nodes.select_related("template")}
    links = [link_spec(lk) for lk in project.links.all()]
    client = docker.from_env()
    engine = LabEngine(client, instance=f"bench-images-{uuid.uuid4().hex[:6]}")
    bare_ids: list[str] = []
    try:
        started = time.monotonic()
        states = engine.start_nodes(list(nodes.values()))
        assert all(s.status == "started" for s in states.values()), states
        by_id = {s.id: s for s in nodes.values()}
        engine.plumb_links(links, by_id)
        for spec in nodes.values():
            engine.run_startup(spec)
        up = time.monotonic() - started
        deadline = time.monotonic() + 120
        while not all(full_count(engine, nodes[name]) == count for name, count in ROUTERS.items()):
            if time.monotonic() > deadline:
                raise RuntimeError("OSPF did not converge in 120 s")
            time.sleep(0.2)
        converged = time.monotonic() - started

        api = client.api
        bare_started = time.monotonic()
        for spec in nodes.values():
            created = api.create_container(spec.image, labels={BARE_LABEL: "1"}, tty=True, stdin_open=True,
                                           host_config=api.create_host_config(network_mode="none"))
            bare_ids.append(created["Id"])
            api.start(created["Id"])
        bare = time.monotonic() - bare_started
        print(f"OSPF triangle (3 FRR + 2 hosts): Start to all 6 adjacencies Full {converged:.1f} s "
              f"(nodes, links and startup lines done at {up:.1f} s)")
        print(f"  baseline: the same 5 containers bare (no files, no links) {bare:.1f} s; "
              "OSPF's own floor with hello 1 s: ~1 s after both ends are up")
    finally:
        for container_id in bare_ids:
            client.api.remove_container(container_id, force=True)
        engine.remove_project(str(project.id))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="skip the image builds")
    args = parser.parse_args()
    if not args.no_build:
        bench_builds()
    with tempfile.TemporaryDirectory(prefix="webgns-bench-images-") as data_dir:
        setup_django(Path(data_dir))
        bench_ospf()


if __name__ == "__main__":
    main()
