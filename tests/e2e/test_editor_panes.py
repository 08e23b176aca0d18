"""Chromium: the editor with every pane open at once — canvas, a terminal, a capture, the node panel and a
classroom lab's instructions — at 1440×900 and 1280×800: nothing overflows the window or covers another pane,
the packet list keeps one line a packet with Wireshark's columns, its cross-references are the file's frame
numbers, the canvas re-fits as panes open, the instructions collapse; after Stop the link loses its rate label,
and a start counts the lab's nodes, not one more.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid

import pytest

from tests.e2e.course_page import make_person
from tests.e2e.editor_page import (
    link_screen_midpoint,
    node_named,
    node_screen_position,
    open_editor,
    type_in_terminal,
    wait_canvas_status,
    wait_terminal_text,
)

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (Debian package tshark)")]

PANES = {
    "palette": ".palette",
    "canvas": "#canvas",
    "terminals": "#terminals",
    "captures": "#captures",
    "side": "#side-column",
    "instructions": "#instructions-panel",
    "inspector": "#inspector",
}

MEASURE = """(panes) => {
  const boxes = {};
  for (const [name, selector] of Object.entries(panes)) {
    const el = document.querySelector(selector);
    if (!el || !el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    boxes[name] = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }
  const list = document.querySelector('.capture-view:not([hidden]) .packet-list');
  const listBox = list.getBoundingClientRect();
  const visibleRight = listBox.left + list.clientWidth;
  const heads = Object.fromEntries([...list.querySelectorAll('th')].map((th) => {
    const r = th.getBoundingClientRect();
    return [th.textContent, { left: r.left, right: r.right, visible: Math.min(r.right, visibleRight) - r.left }];
  }));
  const rows = [...list.querySelectorAll('tbody tr')].map((tr) => tr.getBoundingClientRect().height);
  const cellHeight = Math.max(...[...list.querySelectorAll('tbody td')].map((td) => td.scrollHeight));
  return {
    boxes, heads, rows, cellHeight,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,
  };
}"""

NODES_IN_VIEW = """() => {
  const ed = window.webgns;
  const w = ed.canvas.cy.width(), h = ed.canvas.cy.height();
  return ed.canvas.cy.nodes().every((n) => {
    const p = n.renderedPosition();
    return p.x > 0 && p.x < w && p.y > 0 && p.y < h;
  });
}"""


def _overlap(a: dict, b: dict) -> float:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def _inside(outer: dict, inner: dict) -> bool:
    return (inner["left"] >= outer["left"] - 0.5 and inner["right"] <= outer["right"] + 0.5
            and inner["top"] >= outer["top"] - 0.5 and inner["bottom"] <= outer["bottom"] + 0.5)


def _check_layout(page, size: tuple[int, int]) -> dict:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(300)  # one layout pass and the splitters' refresh after the resize event
    m = page.evaluate(MEASURE, PANES)
    assert m["scrollWidth"] <= m["innerWidth"], (size, m["scrollWidth"])
    assert m["scrollHeight"] <= m["innerHeight"], (size, m["scrollHeight"])
    boxes = m["boxes"]
    assert set(boxes) == set(PANES), (size, sorted(boxes))
    window = {"left": 0, "top": 0, "right": size[0], "bottom": size[1]}
    for name, box in boxes.items():
        assert _inside(window, box), (size, name, box)
        assert box["right"] - box["left"] >= 120 and box["bottom"] - box["top"] >= 40, (size, name, box)
    # The instructions and the node panel share the side column; the other panes share nothing.
    assert _inside(boxes["side"], boxes["instructions"]) and _inside(boxes["side"], boxes["inspector"])
    separate = [name for name in boxes if name not in ("instructions", "inspector")]
    pairs = [(a, b) for i, a in enumerate(separate) for b in separate[i + 1:]] + [("instructions", "inspector")]
    for a, b in pairs:
        assert _overlap(boxes[a], boxes[b]) < 1, (size, a, b, boxes[a], boxes[b])
    # Wireshark's columns, each at least partly in view, Protocol whole; Info keeps a readable width.
    heads = m["heads"]
    widths = {name: round(box["right"] - box["left"]) for name, box in boxes.items()}
    print(f"{size}: page {m['scrollWidth']} px wide; panes {widths}; Info {round(heads['Info']['visible'])} px; "
          f"rows {min(m['rows']):.1f}-{max(m['rows']):.1f} px")  # shown with -s, for the record
    assert list(heads) == ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"], heads
    assert heads["Protocol"]["visible"] >= heads["Protocol"]["right"] - heads["Protocol"]["left"] - 0.5, (size, heads)
    assert heads["Info"]["visible"] >= 150, (size, heads)
    # One line a packet: every row as tall as the first, and no cell's text wraps below it.
    assert m["rows"] and max(m["rows"]) <= min(m["rows"]) + 0.5 and max(m["rows"]) < 24, (size, m["rows"])
    assert m["cellHeight"] <= max(m["rows"]) + 0.5, (size, m["cellHeight"], m["rows"])
    return m


def _lab(stack, api, cleanup_projects) -> tuple[dict, dict, str]:
    """A teacher's 2-node lab published as an assignment with long instructions; staff (the page's user)
    open its original, which shows the instructions panel."""
    base = f"{stack.base_url}/api"
    teacher = make_person(stack, api, "teach")
    project = teacher.api.post(f"{base}/projects/", json={"name": f"e2e-panes-{uuid.uuid4().hex[:6]}"},
                               timeout=10).json()
    cleanup_projects.append(project["id"])
    busybox = next(t for t in api.get(f"{base}/templates/", timeout=10).json() if t["name"] == "busybox")
    nodes = []
    # 300 units apart: fitted into the whole canvas they sit far right of a canvas the terminals narrowed,
    # and a canvas that only resized would leave pc2 out of view; re-fitted, both show (at zoom ≥ 0.6).
    for i, x in ((1, 150), (2, 450)):
        nodes.append(teacher.api.post(f"{base}/projects/{project['id']}/nodes/", timeout=10, json={
            "name": f"pc{i}", "template": busybox["id"], "x": x, "y": 250,
            "startup": [f"ip addr add 10.76.0.{i}/24 dev eth0"]}).json())
    link = teacher.api.post(f"{base}/projects/{project['id']}/links/", timeout=10, json={
        "a": {"node": nodes[0]["id"], "port": "eth0"}, "b": {"node": nodes[1]["id"], "port": "eth0"}})
    assert link.status_code == 201, link.text
    course = api.post(f"{base}/courses/", json={"name": f"panes {uuid.uuid4().hex[:6]}",
                                                "teachers": [teacher.username]}, timeout=10)
    assert course.status_code == 201, course.text
    long_text = "\n\n".join(f"Step {i}: configure the addresses, then ping the other host and read the "
                            "capture's replies." for i in range(1, 30))
    assignment = teacher.api.post(f"{base}/courses/{course.json()['id']}/assignments/", timeout=10, json={
        "source": project["id"], "title": "Panes", "published": True, "instructions": long_text})
    assert assignment.status_code == 201, assignment.text
    assert api.post(f"{base}/projects/{project['id']}/start/", timeout=10).status_code == 202
    return project, link.json(), course.json()["id"]


def test_every_pane_open_shares_the_window(stack, api, logged_in, cleanup_projects):
    project, link, _course = _lab(stack, api, cleanup_projects)
    page = logged_in()
    page.set_viewport_size({"width": 1440, "height": 900})
    page.evaluate("() => localStorage.clear()")
    open_editor(page, stack.base_url, project["id"])
    wait_canvas_status(page, ["pc1", "pc2"], "started", timeout=90)
    page.wait_for_function("(id) => window.webgns.store.links.get(id).status === 'up'", arg=link["id"])
    page.wait_for_selector("#instructions-panel")
    if page.get_attribute(".instructions-toggle", "aria-expanded") == "false":
        page.click(".instructions-toggle")
    assert page.evaluate(NODES_IN_VIEW)

    # A terminal on pc1: the canvas narrows and re-fits.
    pc1 = node_named(page, "pc1")
    page.mouse.dblclick(**node_screen_position(page, "pc1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{pc1["id"]}"] .xterm-screen')
    page.wait_for_function(NODES_IN_VIEW)

    # A capture of the link: its pane opens under the canvas, which re-fits again.
    page.click("#btn-fit")
    mid = link_screen_midpoint(page, link["id"])
    page.mouse.click(mid["x"], mid["y"], button="right")
    page.click(".context-menu button:has-text('Capture…')")
    page.wait_for_selector("dialog.capture-dialog")
    page.click("dialog.capture-dialog button.primary")
    page.wait_for_selector(".capture-view .capture-status[data-status=running]", timeout=30_000)
    page.wait_for_function(NODES_IN_VIEW)

    time.sleep(0.5)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(page, pc1["id"], "ping -c 5 -i 0.4 10.76.0.2")
    wait_terminal_text(page, pc1["id"], "5 packets received", timeout=30)
    page.wait_for_function("document.querySelectorAll('.packet-list tr.proto-icmp').length >= 10", timeout=20_000)

    # The node panel: pc1 selected.
    position = node_screen_position(page, "pc1")
    page.mouse.click(position["x"], position["y"])
    page.wait_for_selector("#inspector .rename-form")

    for size in ((1440, 900), (1280, 800)):
        _check_layout(page, size)

    # Cross-references in the live list are the downloaded file's numbers (the REST list reads the file whole).
    rows = page.evaluate("""() => [...document.querySelectorAll('.packet-list tbody tr')].map(
        (tr) => [Number(tr.dataset.no), tr.querySelector('td.info').textContent])""")
    live = {no: info for no, info in rows}
    capture = api.get(f"{stack.base_url}/api/projects/{project['id']}/captures/", timeout=10).json()[0]
    link_url = f"{stack.base_url}/api/projects/{project['id']}/links/{link['id']}"
    whole = api.get(f"{link_url}/captures/{capture['id']}/packets/", timeout=30).json()
    replies = {p["no"]: p["info"] for p in whole if "Echo (ping) reply" in p["info"]}
    assert len(replies) == 5 and all(re.search(r"\(request in \d+\)", info) for info in replies.values()), replies
    assert {no: live.get(no) for no in replies} == replies

    # The instructions collapse to their header; the node panel below takes the room.
    inspector_before = page.locator("#inspector").bounding_box()["height"]
    page.click(".instructions-toggle")
    assert page.get_attribute(".instructions-toggle", "aria-expanded") == "false"
    assert page.locator("#instructions-panel").bounding_box()["height"] < 48
    assert page.locator("#inspector").bounding_box()["height"] > inspector_before + 100
    page.click(".instructions-toggle")
    assert page.is_visible(".instructions-panel-body")

    # Closing the capture's tab closes its pane: the canvas grows and re-fits.
    page.click(".capture-tab .tab-close")
    page.wait_for_selector("#captures", state="hidden")
    page.wait_for_function(NODES_IN_VIEW)

    # Stop all: the link's rate label goes with its traffic (it stayed showing the last rate).
    page.wait_for_function("(id) => !!window.webgns.canvas.cy.getElementById(id).data('loadLabel')", arg=link["id"],
                           timeout=15_000)
    page.click("#btn-stop-all")
    wait_canvas_status(page, ["pc1", "pc2"], "stopped", timeout=60)
    page.wait_for_function("(id) => window.webgns.canvas.cy.getElementById(id).data('loadLabel') === undefined",
                           arg=link["id"], timeout=10_000)

    # Start all: the toolbar counts two nodes, never "of 3" (the startup lines are a step, not a node).
    page.evaluate("""() => {
      window.operationTexts = [];
      const el = document.getElementById('operation-state');
      new MutationObserver(() => window.operationTexts.push(el.textContent))
        .observe(el, { childList: true, characterData: true, subtree: true });
    }""")
    page.click("#btn-start-all")
    wait_canvas_status(page, ["pc1", "pc2"], "started", timeout=90)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes('Lab started'))",
        timeout=60_000)
    texts = [t for t in page.evaluate("() => window.operationTexts") if t]
    assert any(t.startswith("Starting lab") for t in texts), texts
    counted = [t for t in texts if " of " in t]
    assert counted and all(t.endswith("of 2 nodes") for t in counted), texts
