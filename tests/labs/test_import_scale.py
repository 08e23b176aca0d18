"""Import at scale: linear in the document, refused past the limits at once, and never locking other
writers out of SQLite (the real file database, real threads: `transaction=True`)."""

import threading
import time

import pytest
from django.db import connection

from webgns.labs.models import Link, Node, Project

# Stated in README ("Limits and hardening"): an import at the limits completes within this, here.
AT_LIMIT_SECONDS = 30


def document(nodes: int, links: int = 0, name: str = "big") -> dict:
    """A chain n0-n1-…, then a second chain n0-n2, n1-n3, … until `links` links (4 ports per busybox)."""
    pairs = [(i, i + 1) for i in range(nodes - 1)] + [(i, i + 2) for i in range(nodes - 2)]
    return {
        "format": "webgns-topology", "version": 1, "name": name,
        "nodes": [{"name": f"n{i}", "template": "busybox", "x": i, "y": 0} for i in range(nodes)],
        "links": [{"a": {"node": f"n{a}"}, "b": {"node": f"n{b}"}, "impairment": {"rate_kbps": 1000}}
                  for a, b in pairs[:links]],
    }


@pytest.mark.django_db
def test_a_60000_node_import_is_refused_at_once(api, templates):
    body = document(60000)
    started = time.monotonic()
    response = api.post("/api/projects/import/", body, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "WEBGNS_MAX_PROJECT_NODES" in response.json()["nodes"][0]
    assert elapsed < 5, f"refusing took {elapsed:.1f}s"
    assert not Project.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_at_the_limit_is_linear_and_others_keep_writing(api, make_api, templates, settings):
    nodes, links = settings.WEBGNS_MAX_PROJECT_NODES, settings.WEBGNS_MAX_PROJECT_LINKS
    body = document(nodes, links)
    assert len(body["links"]) == min(links, 2 * nodes - 3)
    other = make_api("bob")
    results: dict = {"codes": [], "import": None, "seconds": None}
    done = threading.Event()

    def import_it() -> None:
        try:
            started = time.monotonic()
            results["import"] = api.post("/api/projects/import/", body, format="json")
            results["seconds"] = time.monotonic() - started
        finally:
            done.set()
            connection.close()

    def keep_writing() -> None:
        try:
            i = 0
            while not done.is_set() or i < 3:
                response = other.post("/api/projects/", {"name": f"p{i}"}, format="json")
                results["codes"].append(response.status_code)
                Project.objects.filter(owner=other.user).delete()  # stay under the per-user project limit
                i += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=import_it), threading.Thread(target=keep_writing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    response = results["import"]
    assert response is not None and response.status_code == 201, getattr(response, "content", None)
    project = Project.objects.get(pk=response.json()["id"])
    assert Node.objects.filter(project=project).count() == nodes
    assert Link.objects.filter(project=project).count() == len(body["links"])
    assert results["seconds"] < AT_LIMIT_SECONDS, f"import took {results['seconds']:.1f}s"
    assert results["codes"] and set(results["codes"]) == {201}, results["codes"]
    print(f"\nimport of {nodes} nodes and {len(body['links'])} links: {results['seconds']:.2f}s; "
          f"{len(results['codes'])} other writes meanwhile, all 201")
    # Round trip: the export lists the links in the document's order.
    exported = api.get(f"/api/projects/{project.id}/export/").json()
    assert [(lk["a"]["node"], lk["b"]["node"]) for lk in exported["links"]] == \
        [(lk["a"]["node"], lk["b"]["node"]) for lk in body["links"]]
