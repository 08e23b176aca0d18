"""Benchmark of project import: seconds for N nodes and 2N-3 links, to show it is linear (and deletion).

Division of labour: the real REST view (`POST /api/projects/import/` through DRF's test client)
on a throw-away SQLite database in a temporary directory, so nothing of a running server is
touched. Documents are a chain of busybox nodes plus a second chain (every node to the one two
further on), each link with a rate limit. Also times a 60000-node document being refused.

    .venv/bin/python bench/bench_import.py                      # 250, 500, 1000 nodes
    .venv/bin/python bench/bench_import.py --sizes 100 200 --max-nodes 5000 --max-links 10000
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def document(nodes: int, links: int) -> dict:
    pairs = [(i, i + 1) for i in range(nodes - 1)] + [(i, i + 2) for i in range(nodes - 2)]
    return {
        "format": "webgns-topology", "version": 1, "name": f"bench {nodes}",
        "nodes": [{"name": f"n{i}", "template": "busybox", "x": i, "y": 0} for i in range(nodes)],
        "links": [{"a": {"node": f"n{a}"}, "b": {"node": f"n{b}"}, "impairment": {"rate_kbps": 1000}}
                  for a, b in pairs[:links]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--max-nodes", type=int, default=None, help="WEBGNS_MAX_PROJECT_NODES for the run")
    parser.add_argument("--max-links", type=int, default=None, help="WEBGNS_MAX_PROJECT_LINKS for the run")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="webgns-bench-import-"))
    try:
        run(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    os.environ.update({"WEBGNS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "webgns.settings",
                       "WEBGNS_INSTANCE": "bench-import", "WEBGNS_USER_PROJECTS": "1000"})
    if args.max_nodes:
        os.environ["WEBGNS_MAX_PROJECT_NODES"] = str(args.max_nodes)
    if args.max_links:
        os.environ["WEBGNS_MAX_PROJECT_LINKS"] = str(args.max_links)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from webgns.labs import dispatch

    # The web tier alone is measured: the worker's removal of an (empty) project is never enqueued,
    # so no Redis database is touched.
    dispatch._enqueue = lambda task, *args: None
    call_command("migrate", verbosity=0)
    call_command("seed_templates", stdout=io.StringIO())
    user = get_user_model().objects.create_user("bench", password="bench-password")
    client = APIClient(HTTP_HOST="localhost")
    client.force_authenticate(user)
    print(f"{'nodes':>6} {'links':>6} {'seconds':>8} {'ms/link':>8} {'delete s':>8}")
    for nodes in args.sizes:
        body = document(nodes, 2 * nodes - 3)
        started = time.monotonic()
        response = client.post("/api/projects/import/", body, format="json")
        seconds = time.monotonic() - started
        assert response.status_code == 201, response.content[:300]
        started = time.monotonic()
        deleted = client.delete(f"/api/projects/{response.json()['id']}/")
        assert deleted.status_code == 204, deleted.content[:300]
        removal = time.monotonic() - started
        per_link = 1000 * seconds / max(len(body["links"]), 1)
        print(f"{nodes:>6} {len(body['links']):>6} {seconds:>8.2f} {per_link:>8.2f} {removal:>8.2f}")
    big = document(60000, 0)
    started = time.monotonic()
    response = client.post("/api/projects/import/", big, format="json")
    print(f"60000-node document: {response.status_code} in {time.monotonic() - started:.2f} s "
          f"({response.json().get('nodes', response.json())})")


if __name__ == "__main__":
    main()
