"""Compute hosts in a real Chromium: the Compute hosts page shows the stack's own host up (its
worker's real heartbeat) and a host that stopped answering in red with the reason; in the editor,
staff move a stopped node to another host after a confirmation, the canvas puts each node's host
under its name, and the host filter dims the other host's nodes.

The second host is a row in the stack's database: a host "spare" kept answering by this test (a
heartbeat without a worker: nothing is started on it), and "gone", last heard from ten minutes ago.
Both rows are removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from .editor_page import node_screen_position, open_editor

CAPACITY = '{"cpus": 2, "memory_mb": 2048, "memory_available_mb": 1024, "node_memory_mb": 64, "max_nodes": 10}'


def _stamp(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%d %H:%M:%S.%f")


@pytest.fixture
def database(stack, request) -> str:
    running = None if os.environ.get("WEBGNS_E2E_BASE_URL") else request.getfixturevalue("live_stack")
    path = getattr(running, "env", {}).get("WEBGNS_DB_PATH")
    if not path:
        pytest.skip(reason="needs the live stack's own database to add a second host's row "
                           "(an external WEBGNS_E2E_BASE_URL server has none to reach)")
    return path


@contextlib.contextmanager
def host_row(path: str, name: str, seen: timedelta | None) -> Iterator[None]:
    """A compute host's row; `seen` None: kept fresh every second while inside, like a heartbeat."""
    stop = threading.Event()

    def write(last_seen: str) -> None:
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as db, db:
            db.execute("INSERT INTO labs_computehost (name, capabilities, capacity, status, status_reason, "
                       "last_seen) VALUES (?, '{}', ?, 'up', '', ?) ON CONFLICT(name) DO UPDATE SET "
                       "last_seen = excluded.last_seen, status = 'up'", (name, CAPACITY, last_seen))

    write(_stamp(-(seen or timedelta())))
    beating = None
    if seen is None:
        def beat() -> None:
            while not stop.wait(1):
                write(_stamp())
        beating = threading.Thread(target=beat, daemon=True)
        beating.start()
    try:
        yield
    finally:
        stop.set()
        if beating is not None:
            beating.join(10)
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as db, db:
            db.execute("DELETE FROM labs_computehost WHERE name = ?", (name,))


def test_the_compute_hosts_page_shows_the_live_host_and_a_silent_one_in_red(stack, database, logged_in):
    with host_row(database, "gone", timedelta(minutes=10)):
        page = logged_in()
        page.goto(f"{stack.base_url}/")
        page.click("#compute-link")
        page.wait_for_selector("tr[data-host='gone']")
        gone = page.locator("tr[data-host='gone']")
        assert gone.get_attribute("data-status") == "down"
        assert "no heartbeat since" in gone.locator(".host-status").text_content()
        assert "min ago" in gone.locator(".host-last-seen").text_content()
        live = page.locator("tr[data-status='up']").first
        assert live.get_attribute("data-host") not in (None, "gone")
        assert live.locator(".host-last-seen").text_content().endswith("s ago")


def test_staff_move_a_stopped_node_and_the_canvas_shows_and_filters_hosts(stack, api, project, database, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    listed = api.get(f"{stack.base_url}/api/templates/", timeout=10).json()
    busybox = next(t for t in (listed.get("results", listed) if isinstance(listed, dict) else listed)
                   if t["name"] == "busybox")
    with host_row(database, "spare", None):
        # "spare" offers 64 MB: the scheduler keeps this lab on the stack's host.
        n1, n2 = (api.post(f"{base}/nodes/", json={"name": name, "template": busybox["id"], "x": x, "y": 200},
                           timeout=10).json() for name, x in (("n1", 100), ("n2", 400)))
        home = n1["compute_host"]
        assert home != "spare" and n2["compute_host"] == home

        page = logged_in()
        open_editor(page, stack.base_url, project["id"])
        assert page.locator("#host-filter").is_hidden()  # one host: no filter, no badge
        page.mouse.click(**node_screen_position(page, "n2"))
        page.wait_for_selector(".host-line select[name=move-to]")
        assert page.text_content(".host-line .host-name") == home
        questions = []
        page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
        page.select_option(".host-line select[name=move-to]", "spare")
        page.wait_for_function("() => document.querySelector('.host-line .host-name')?.textContent === 'spare'")
        assert "files written inside it since it was created stay behind" in questions[0]
        assert api.get(f"{base}/nodes/{n2['id']}/", timeout=10).json()["compute_host"] == "spare"

        label = page.evaluate("(id) => window.webgns.canvas.cy.getElementById(id).data('label')", n2["id"])
        assert label == "n2\n@spare"
        page.wait_for_selector("#host-filter:not([hidden])")
        page.select_option("#host-filter", "spare")
        dimmed = page.evaluate("""() => window.webgns.canvas.cy.nodes('.other-host').map((n) => n.data('label'))""")
        assert dimmed == [f"n1\n@{home}"]
