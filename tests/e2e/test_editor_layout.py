"""End-to-end: the editor's room to work — terminals sized by dragging, a console popped out into a window of
its own that follows its node, a toolbar that never wraps, and a project list that long names cannot break."""

import time
import uuid

import pytest
import requests

from tests.e2e.editor_page import node_screen_position, open_editor

pytestmark = pytest.mark.e2e


def items(body: list | dict) -> list:
    return body["results"] if isinstance(body, dict) else body


def wait_status(api: requests.Session, url: str, status: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = api.get(url, timeout=10).json()["status"]
        if seen == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"node stayed {seen}, never {status}")


def popup_text(popup) -> str:
    return popup.evaluate("() => document.querySelector('.terminal-pane .xterm-rows')?.innerText || ''")


def wait_popup_text(popup, needle: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = popup_text(popup)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared in the pop-out terminal:\n{text}")


def type_in_popup(popup, line: str) -> None:
    popup.click(".terminal-pane .xterm-screen")
    popup.keyboard.type(line, delay=5)
    popup.keyboard.press("Enter")


def test_terminal_split_and_pop_out_window(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    template = next(t for t in items(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())
                    if t["name"] == "busybox")
    node = api.post(f"{base}/nodes/", json={"name": "pc1", "template": template["id"], "x": 0, "y": 0},
                    timeout=10).json()
    api.post(f"{base}/nodes/{node['id']}/start/", timeout=10)
    wait_status(api, f"{base}/nodes/{node['id']}/", "started")

    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("(id) => window.webgns.store.nodes.get(id)?.status === 'started'", arg=node["id"])
    page.mouse.dblclick(**node_screen_position(page, "pc1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{node["id"]}"] .xterm-screen')
    scrollback = page.evaluate("(id) => window.webgns.terminals.tabs.get(id).terminal.options.scrollback", node["id"])
    assert scrollback == 10000

    # The split: dragging its handle right narrows the terminals, left widens them, but never so far that the
    # canvas loses its usable width.
    handle = page.locator("#terminals-handle").bounding_box()
    before = page.locator("#terminals").bounding_box()["width"]
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + 200
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 200, y, steps=8)
    page.mouse.up()
    narrower = page.locator("#terminals").bounding_box()["width"]
    assert narrower < before - 150, (before, narrower)
    page.mouse.move(x + 200, y)
    page.mouse.down()
    page.mouse.move(x + 50, y, steps=8)
    page.mouse.up()
    wider = page.locator("#terminals").bounding_box()["width"]
    assert wider > narrower + 100, (narrower, wider)
    page.mouse.move(x + 50, y)
    page.mouse.down()
    page.mouse.move(0, y, steps=8)
    page.mouse.up()
    assert page.locator("#canvas").bounding_box()["width"] >= 359

    # Pop out: a window of its own with the node's shell; the dock's tab closes.
    with page.expect_popup() as popup_info:
        page.click(f'.terminal-tab[data-node-id="{node["id"]}"] .terminal-tab-popout')
    popup = popup_info.value
    popup.wait_for_url(f"**/projects/{project['id']}/nodes/{node['id']}/terminal/")
    popup.wait_for_selector(".terminal-pane .xterm-screen")
    page.wait_for_selector(f'.terminal-tab[data-node-id="{node["id"]}"]', state="detached")
    assert popup.title().startswith("pc1")
    time.sleep(0.5)  # the shell prints its prompt once the exec stream is up
    type_in_popup(popup, "echo pop-$((40+2))")
    wait_popup_text(popup, "pop-42")

    # Resizing the window resizes the PTY in the node.
    popup.set_viewport_size({"width": 1000, "height": 600})
    popup.wait_for_function("() => window.webgnsTerminal.dock.active.terminal.cols > 100")
    popup.set_viewport_size({"width": 560, "height": 320})
    popup.wait_for_function("() => window.webgnsTerminal.dock.active.terminal.cols < 80")
    rows, cols = popup.evaluate(
        "() => { const t = window.webgnsTerminal.dock.active.terminal; return [t.rows, t.cols]; }")
    type_in_popup(popup, "clear; stty size; echo size-done")
    wait_popup_text(popup, f"{rows} {cols}\nsize-done")

    # The tab says when the node stopped, and reconnects by itself when it starts again.
    api.post(f"{base}/nodes/{node['id']}/stop/", timeout=10)
    popup.wait_for_function(
        "() => document.querySelector('.terminal-state')?.textContent === 'stopped'", timeout=60_000)
    api.post(f"{base}/nodes/{node['id']}/start/", timeout=10)
    wait_popup_text(popup, "reconnecting", timeout=60)
    popup.wait_for_function("() => !document.querySelector('.terminal-tab').classList.contains('closed')",
                            timeout=30_000)
    time.sleep(0.5)
    type_in_popup(popup, "echo back-$((1+1))")
    wait_popup_text(popup, "back-2")
    popup.close()


def test_toolbar_fits_at_1280_and_stays_usable_at_1024(stack, project, logged_in):
    page = logged_in()
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        open_editor(page, stack.base_url, project["id"])
        layout = page.evaluate(
            """() => {
              const bar = document.querySelector('.toolbar');
              // Items not shown (the host filter of a lab on one host) have no box.
              const shown = [...bar.children].filter((el) => el.getClientRects().length);
              const boxes = shown.map((el) => el.getBoundingClientRect());
              const buttons = [...bar.querySelectorAll('button, a.button')].map((el) => el.getBoundingClientRect());
              return {
                // One row: every item's box overlaps every other's vertically.
                rows: Math.min(...boxes.map((b) => b.bottom)) > Math.max(...boxes.map((b) => b.top)) ? 1 : 2,
                topbar: document.querySelector('.topbar').getBoundingClientRect().height,
                pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                hidden: bar.scrollWidth - bar.clientWidth,
                smallest: Math.min(...buttons.map((r) => Math.min(r.width, r.height))),
              };
            }"""
        )
        assert layout["rows"] == 1, (width, layout)
        assert layout["topbar"] <= 50, (width, layout)
        assert layout["pageOverflow"] <= 0, (width, layout)
        assert layout["smallest"] >= 20, (width, layout)  # big enough to hit
        if width == 1280:
            assert layout["hidden"] <= 0, layout  # nothing scrolled out of view
        page.click("#btn-fit")  # still works


def test_project_list_with_a_long_name_rename_and_duplicate(stack, api, logged_in, cleanup_projects):
    long_name = ("Campus network " + uuid.uuid4().hex + " ") * 3
    long_name = long_name[:100]
    response = api.post(f"{stack.base_url}/api/projects/", json={"name": long_name}, timeout=10)
    assert response.status_code == 201, response.text
    project = response.json()
    cleanup_projects.append(project["id"])
    page = logged_in()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{stack.base_url}/")
    row = f'tr[data-project-id="{project["id"]}"]'
    page.wait_for_selector(row)
    sizes = page.evaluate(
        """() => { const t = document.querySelector('.projects-page table');
           const d = document.documentElement;
           return [t.scrollWidth, t.clientWidth, d.scrollWidth, d.clientWidth]; }"""
    )
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], sizes
    assert page.get_attribute(f"{row} .project-link", "title") == long_name
    assert page.get_attribute(f"{row} a[download]", "download").endswith(".webgns.json")

    # Rename in place.
    page.click(f"{row} .rename-button")
    page.fill(f"{row} .rename-project input", "Renamed lab")
    page.click(f"{row} .rename-project button.primary")
    page.wait_for_selector(f"{row} .project-link:text('Renamed lab')")
    assert api.get(f"{stack.base_url}/api/projects/{project['id']}/", timeout=10).json()["name"] == "Renamed lab"
    assert page.get_attribute(f"{row} a[download]", "download") == "Renamed-lab.webgns.json"

    # Duplicate ("save as").
    page.click(f"{row} .duplicate-button")
    page.wait_for_selector(".project-link:text('Renamed lab (copy)')")
    copies = [p for p in items(api.get(f"{stack.base_url}/api/projects/", timeout=10).json())
              if p["name"] == "Renamed lab (copy)"]
    assert len(copies) == 1
    cleanup_projects.append(copies[0]["id"])
