"""A 3000-node project opens in the editor through the events socket: its snapshot arrives in parts
(each under Daphne's 1 MiB limit), the store assembles them, the canvas draws every node, and the
socket stays live (before, it closed with 1011 on every connect and the editor retried for ever)."""

import os
import subprocess
import sys

import pytest

from tests.e2e.editor_page import open_editor
from tests.live_stack import ROOT

pytestmark = pytest.mark.e2e

NODES = 3000


def test_a_3000_node_project_opens_live(stack, request, logged_in, cleanup_projects):
    if os.environ.get("WEBGNS_E2E_BASE_URL"):
        pytest.skip(reason="makes its project straight in the stack's database: needs tests/live_stack.py's stack")
    live = request.getfixturevalue("live_stack")
    code = f"from tests.live.big_project import make_big_project; print(make_big_project({live.username!r}, {NODES}))"
    made = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=live.env,
                          capture_output=True, text=True, timeout=300, check=True)
    project_id = made.stdout.strip().splitlines()[-1]
    cleanup_projects.append(project_id)

    page = logged_in()
    open_editor(page, stack.base_url, project_id)
    page.wait_for_function(f"window.webgns.store.nodes.size === {NODES} && window.webgns.store.seq !== null",
                           timeout=60_000)
    page.wait_for_function("document.getElementById('connection-state').dataset.state === 'open'")
    assert page.evaluate("window.webgns.store.links.size") == NODES - 1
    assert page.evaluate("window.webgns.canvas.cy.nodes().length") == NODES
    # The snapshot came over the socket (not the REST fallback), and the socket is still the first one.
    assert page.evaluate("performance.getEntriesByName('webgns-snapshot-received').length") == 1
    assert page.evaluate("window.webgns.socket.resyncs") == 0
