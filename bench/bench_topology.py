"""Benchmark of topology files: parse + validate + store a 1000-node lab given as webgns YAML and as a
containerlab file, beside the JSON import of the same lab, in the same run.

Division of labour: the real REST view (`POST /api/projects/import/` through DRF's test client) on
a throw-away SQLite database in a temporary directory; nothing of a running server is touched. The
lab is a chain of busybox nodes plus a second chain (every node to the one two further on), as in
bench_import.py; the YAML and containerlab documents are the JSON export of that lab converted by
webgns itself. Each format is timed end to end (body → stored project) and its dry run alone
(parse + validate, nothing stored).

    .venv/bin/python bench/bench_topology.py                 # 1000 nodes
    .venv/bin/python bench/bench_topology.py --nodes 250
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def document(nodes: int) -> dict:
    pairs = [(i, i + 1) for i in range(nodes - 1)] + [(i, i + 2) for i in range(nodes - 2)]
    return {
        "format": "webgns-topology", "version": 1, "name": f"bench {nodes}",
        "nodes": [{"name": f"n{i}", "template": "busybox", "x": i, "y": 0, "startup": [f"echo {i}"]}
                  for i in range(nodes)],
        "links": [{"a": {"node": f"n{a}"}, "b": {"node": f"n{b}"}} for a, b in pairs[: 2 * nodes - 3]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=1000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="webgns-bench-topology-"))
    try:
        run(args.nodes, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(nodes: int, data_dir: Path) -> None:
    os.environ.update({"WEBGNS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "webgns.settings",
                       "WEBGNS_INSTANCE": "bench-topology", "WEBGNS_USER_PROJECTS": "1000"})
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from webgns.labs import topology_clab, topology_yaml
    from webgns.labs.models import Project

    call_command("migrate", verbosity=0)
    call_command("seed_templates", stdout=io.StringIO())
    user = get_user_model().objects.create_user("bench", password="bench-password")
    client = APIClient(HTTP_HOST="localhost")
    client.force_authenticate(user)

    source = client.post("/api/projects/import/?name=source", document(nodes), format="json")
    assert source.status_code == 201, source.content[:300]
    project = Project.objects.get(pk=source.json()["id"])
    bodies = {
        "json": (json.dumps(client.get(f"/api/projects/{project.pk}/export/").json()).encode(), "application/json", ""),
        "yaml": (topology_yaml.from_project(project).encode(), "application/yaml", ""),
        "clab": (topology_clab.from_project(project)[0].encode(), "application/yaml",
                 "&map=" + quote(json.dumps({"webgns/busybox*": "busybox"}))),
    }
    links = project.links.count()
    print(f"{nodes} nodes, {links} links")
    print(f"{'format':>6} {'bytes':>9} {'dry run s':>10} {'import s':>9} {'vs json':>8}")
    baseline = None
    for i, (name, (body, content_type, extra)) in enumerate(bodies.items()):
        started = time.monotonic()
        dry = client.post(f"/api/projects/import/?dry_run=1&name=d{i}{extra}", body, content_type=content_type)
        dry_seconds = time.monotonic() - started
        assert dry.status_code == 200, dry.content[:300]
        started = time.monotonic()
        made = client.post(f"/api/projects/import/?name=b{i}{extra}", body, content_type=content_type)
        seconds = time.monotonic() - started
        assert made.status_code == 201, made.content[:300]
        assert Project.objects.get(pk=made.json()["id"]).nodes.count() == nodes
        baseline = baseline or seconds
        print(f"{name:>6} {len(body):>9} {dry_seconds:>10.2f} {seconds:>9.2f} {seconds / baseline:>7.2f}x")


if __name__ == "__main__":
    main()
