"""The editor under the site's real Content-Security-Policy: a browser that enforces it loads the
editor, gets a live snapshot over the events socket, opens a terminal (xterm.js) on a running node
and types in it, and opens a link's impairment form with the bounds the server serves. Any script,
style or socket the policy blocks is logged by Chromium and fails the test (see conftest.new_page).

Waits poll `page.evaluate` from Python: Playwright's `wait_for_function` needs `eval`, which the policy forbids.
"""

import time
import uuid

import pytest

from tests.e2e.conftest import login
from tests.e2e.editor_page import link_screen_midpoint, node_screen_position, type_in_terminal, wait_terminal_text

pytestmark = pytest.mark.e2e


def wait_js(page, expression: str, arg=None, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression, arg)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"never true in the page: {expression}")


def wait_api(check, timeout: float = 90) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.3)
    raise AssertionError("the lab never started")


def test_the_editor_works_under_the_content_security_policy(stack, api, new_page, cleanup_projects):
    base = stack.base_url
    project = api.post(f"{base}/api/projects/", json={"name": f"csp-{uuid.uuid4().hex[:6]}"}, timeout=10).json()
    cleanup_projects.append(project["id"])
    busybox = next(t for t in api.get(f"{base}/api/templates/", timeout=10).json() if t["name"] == "busybox")
    nodes = [api.post(f"{base}/api/projects/{project['id']}/nodes/", timeout=10,
                      json={"name": name, "template": busybox["id"], "x": x, "y": 200}).json()
             for name, x in (("pc1", 150), ("pc2", 450))]
    link = api.post(f"{base}/api/projects/{project['id']}/links/", timeout=10,
                    json={"a": {"node": nodes[0]["id"]}, "b": {"node": nodes[1]["id"]}}).json()
    assert api.post(f"{base}/api/projects/{project['id']}/start/", timeout=10).status_code == 202
    wait_api(lambda: all(n["status"] == "started" for n in
                         api.get(f"{base}/api/projects/{project['id']}/nodes/", timeout=10).json()))

    page = new_page(strict_csp=True)
    login(page, stack)
    response = page.goto(f"{base}/projects/{project['id']}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The live snapshot came over the events socket (connect-src 'self' allowed it) and was drawn.
    wait_js(page, "() => window.webgns && window.webgns.store.seq !== null && window.webgns.store.nodes.size === 2")
    wait_js(page, "() => document.getElementById('connection-state').dataset.state === 'open'")

    # A terminal: xterm.js draws with run-time styles, its bytes come over the console socket.
    page.mouse.dblclick(**node_screen_position(page, "pc1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{nodes[0]["id"]}"] .xterm-screen')
    time.sleep(0.5)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(page, nodes[0]["id"], "echo csp-$((40+2))")
    wait_terminal_text(page, nodes[0]["id"], "csp-42")

    # The link form takes its bounds from GET /api/compute/ (the API's and engine's own table).
    page.click("#btn-fit")
    mid = link_screen_midpoint(page, link["id"])
    page.mouse.click(mid["x"], mid["y"])
    page.wait_for_selector(".impairment-form")
    served = api.get(f"{base}/api/compute/", timeout=10).json()["impairment_ranges"]
    rate = page.wait_for_selector("input[name='a_to_b.rate_kbps'][max]")
    assert (float(rate.get_attribute("min")), float(rate.get_attribute("max"))) == (
        served["rate_kbps"]["min"], served["rate_kbps"]["max"])
