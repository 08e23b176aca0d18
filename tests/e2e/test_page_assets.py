"""Chromium: every page's stylesheets, scripts and the chunks they load answer 200 — a page that names a build
output Vite did not emit (the Compute hosts page's compute.css once) fails here, not in front of a class."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

ASSETS = "() => [...document.querySelectorAll('link[rel=stylesheet][href], script[src]')].map((e) => e.href || e.src)"


def _pages(stack, api, cleanup_projects) -> list[str]:
    base = f"{stack.base_url}/api"
    project = api.post(f"{base}/projects/", json={"name": f"e2e-assets-{uuid.uuid4().hex[:6]}"}, timeout=10).json()
    cleanup_projects.append(project["id"])
    busybox = next(t for t in api.get(f"{base}/templates/", timeout=10).json() if t["name"] == "busybox")
    node = api.post(f"{base}/projects/{project['id']}/nodes/", timeout=10,
                    json={"name": "pc1", "template": busybox["id"], "x": 0, "y": 0}).json()
    course = api.post(f"{base}/courses/", json={"name": f"assets {uuid.uuid4().hex[:6]}"}, timeout=10)
    assert course.status_code == 201, course.text
    return ["/", f"/projects/{project['id']}/", f"/projects/{project['id']}/nodes/{node['id']}/terminal/",
            "/courses/", f"/courses/{course.json()['id']}/", "/people/", "/compute/"]


def test_every_asset_a_page_links_answers_200(stack, api, cleanup_projects, new_page):
    pages = _pages(stack, api, cleanup_projects)
    page = new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}") if "/static/" in r.url else None)

    page.goto(f"{stack.base_url}/accounts/login/")
    linked = {url: "/accounts/login/" for url in page.evaluate(ASSETS)}
    login(page, stack)
    for path in pages:
        page.goto(f"{stack.base_url}{path}")
        page.wait_for_load_state("networkidle")
        linked.update({url: path for url in page.evaluate(ASSETS)})
    assert len(linked) >= 8, linked
    for url, path in sorted(linked.items()):
        response = page.request.get(url)
        assert response.status == 200, f"{path} links {url}: {response.status}"
    assert not failed, failed
