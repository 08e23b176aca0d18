"""Chromium: capture a link from the canvas, ping in a terminal, see the packets in the panel, decode one,
filter, stop and download the .pcapng (read back by capinfos); the link shows its load.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest

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
              pytest.mark.skipif(shutil.which("capinfos") is None, reason="needs capinfos (Debian package tshark)")]


def _lab(stack, api, cleanup_projects) -> tuple[dict, dict]:
    base = f"{stack.base_url}/api"
    project = api.post(f"{base}/projects/", json={"name": f"e2e-cap-{uuid.uuid4().hex[:6]}"}, timeout=10).json()
    cleanup_projects.append(project["id"])
    busybox = next(t for t in api.get(f"{base}/templates/", timeout=10).json() if t["name"] == "busybox")
    nodes = []
    for i, x in ((1, 200), (2, 500)):
        nodes.append(api.post(f"{base}/projects/{project['id']}/nodes/", timeout=10, json={
            "name": f"pc{i}", "template": busybox["id"], "x": x, "y": 250,
            "startup": [f"ip addr add 10.74.0.{i}/24 dev eth0"]}).json())
    link = api.post(f"{base}/projects/{project['id']}/links/", timeout=10,
                    json={"a": {"node": nodes[0]["id"], "port": "eth0"}, "b": {"node": nodes[1]["id"], "port": "eth0"}})
    assert link.status_code == 201, link.text
    assert api.post(f"{base}/projects/{project['id']}/start/", timeout=10).status_code == 202
    return project, link.json()


def test_capture_from_the_canvas_and_ping_in_a_terminal(stack, api, logged_in, cleanup_projects, tmp_path):
    project, link = _lab(stack, api, cleanup_projects)
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    wait_canvas_status(page, ["pc1", "pc2"], "started", timeout=90)
    page.wait_for_function("(id) => window.webgns.store.links.get(id).status === 'up'", arg=link["id"])

    # Right-click the link → Capture…; a bad capture filter is refused in the dialog with libpcap's words.
    mid = link_screen_midpoint(page, link["id"])
    page.mouse.click(mid["x"], mid["y"], button="right")
    page.click(".context-menu button:has-text('Capture…')")
    page.wait_for_selector("dialog.capture-dialog")
    assert page.input_value("dialog.capture-dialog select[name=end]") == "a"
    page.fill("dialog.capture-dialog input[name=filter]", "icmp andd arp")
    page.click("dialog.capture-dialog button.primary")
    page.wait_for_function("document.querySelector('.capture-dialog [data-for=filter]').textContent.includes('syntax')")
    page.fill("dialog.capture-dialog input[name=filter]", "icmp or arp")
    page.click("dialog.capture-dialog button.primary")
    page.wait_for_selector(".capture-view .capture-status[data-status=running]", timeout=30_000)

    # Ping in pc1's terminal; the packets appear in the panel as they pass.
    pc1 = node_named(page, "pc1")
    page.mouse.dblclick(**node_screen_position(page, "pc1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{pc1["id"]}"] .xterm-screen')
    time.sleep(0.5)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(page, pc1["id"], "ping -c 3 -i 0.3 10.74.0.2")
    wait_terminal_text(page, pc1["id"], "3 packets received")
    page.wait_for_function("document.querySelectorAll('.packet-list tr.proto-icmp').length >= 6", timeout=20_000)
    assert page.locator(".packet-list tr.proto-arp").count() >= 1
    first_icmp = page.locator(".packet-list tr.proto-icmp").first
    cells = first_icmp.locator("td").all_text_contents()
    assert cells[2:5] == ["10.74.0.1", "10.74.0.2", "ICMP"], cells

    # A click decodes the packet: its layers (tshark's tree) and its bytes.
    first_icmp.click()
    page.wait_for_selector(".packet-detail details[data-name=icmp]")
    assert "Internet Protocol Version 4" in page.text_content(".packet-detail")
    assert page.text_content(".packet-detail .hex-dump").startswith("0000  ")

    # A display filter narrows the list; a bad one says why.
    page.fill(".capture-view input[name=display-filter]", "icmp.type == 0")
    page.click(".display-filter button")
    page.wait_for_function("document.querySelectorAll('.packet-list tbody tr').length === 3")
    assert page.locator(".packet-list tbody tr").first.locator("td").nth(2).text_content() == "10.74.0.2"
    page.fill(".capture-view input[name=display-filter]", "icmp.typo == 1")
    page.click(".display-filter button")
    page.wait_for_function("document.querySelector('.capture-view [data-for=display-filter]').textContent"
                           ".includes('icmp.typo')")

    # Stop, then download the .pcapng: capinfos counts what the server counted.
    page.click(".capture-toolbar button.danger")
    page.wait_for_selector(".capture-view .capture-status[data-status=stopped]")
    with page.expect_download() as download:
        page.click(".capture-toolbar a:has-text('Download .pcapng')")
    path = tmp_path / "capture.pcapng"
    download.value.save_as(path)
    capture = api.get(f"{stack.base_url}/api/projects/{project['id']}/captures/", timeout=10).json()[0]
    counted = subprocess.run(["capinfos", "-c", "-M", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Number of packets:   {capture['packets']}" in counted.replace("\t", " "), counted
    assert capture["packets"] >= 6

    # Link load: the edge carries a rate label and the link panel a sparkline.
    page.wait_for_function("(id) => !!window.webgns.canvas.cy.getElementById(id).data('loadLabel')", arg=link["id"],
                           timeout=15_000)
    assert "b/s" in page.evaluate("(id) => window.webgns.canvas.cy.getElementById(id).data('loadLabel')", link["id"])
    page.click("#btn-fit")
    mid = link_screen_midpoint(page, link["id"])
    page.mouse.click(mid["x"], mid["y"])
    page.wait_for_selector(".link-load svg.sparkline[data-metric=bps] path")
    page.wait_for_function("document.querySelector('.link-load .load-legend').textContent.includes('pc1 → pc2')")
