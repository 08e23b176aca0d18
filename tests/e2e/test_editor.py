"""End-to-end tests of the browser editor: real Chromium, real Daphne, real worker, real containers.

One test builds and runs a two-node lab entirely with the mouse and keyboard, pings across the link
from a browser terminal and shapes the link through the side form; another checks that two pages on
one project see each other's changes live; the rest check that refusals are shown where they belong.
"""

import json
import time
import uuid

import pytest

from tests.e2e.editor_page import (
    canvas_status,
    drag_mouse,
    link_screen_midpoint,
    node_named,
    node_screen_position,
    open_editor,
    type_in_terminal,
    wait_canvas_status,
    wait_terminal_text,
)

pytestmark = pytest.mark.e2e


def items(body: list | dict) -> list:
    """A list endpoint's items, paginated ({"results": [...]}) or not."""
    return body["results"] if isinstance(body, dict) else body


def host_capabilities(stack, api) -> dict:
    hosts = api.get(f"{stack.base_url}/api/compute/", timeout=10).json()["hosts"]
    return hosts[0]["capabilities"] if hosts else {}


def test_build_run_and_ping_a_two_node_lab_with_the_mouse(stack, api, logged_in, cleanup_projects):
    page = logged_in()

    # Create a project from the project list; it opens in the editor.
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    page.fill("#create-form input[name=name]", name)
    page.click("#create-form button[type=submit]")
    page.wait_for_url("**/projects/*/")
    project_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    cleanup_projects.append(project_id)
    open_editor(page, stack.base_url, project_id)
    assert page.text_content("#project-name") == name

    # Two busybox nodes: one dragged from the palette, one clicked in.
    page.drag_and_drop('.palette-item[data-template-name="busybox"]', "#canvas", target_position={"x": 250, "y": 300})
    page.click('.palette-item[data-template-name="busybox"]')
    page.wait_for_function("window.webgns.store.nodes.size === 2")
    a, b = node_named(page, "busybox1"), node_named(page, "busybox2")
    assert canvas_status(page, "busybox1") == "stopped"

    # A link drawn from node to node in link mode; the port prompt offers eth0 on both.
    page.click("#btn-link-mode")
    drag_mouse(page, node_screen_position(page, "busybox1"), node_screen_position(page, "busybox2"))
    page.wait_for_selector("dialog.port-prompt")
    assert page.input_value("dialog select[name=port-a]") == "eth0"
    page.click("dialog button.primary")
    page.wait_for_function("window.webgns.store.links.size === 1")
    page.click("#btn-link-mode")
    link = page.evaluate("[...window.webgns.store.links.values()][0]")
    assert {link["a"]["node"], link["b"]["node"]} == {a["id"], b["id"]}
    assert len(items(api.get(f"{stack.base_url}/api/projects/{project_id}/links/", timeout=10).json())) == 1

    # Start the whole lab from the toolbar; both nodes turn green from live events.
    page.click("#btn-start-all")
    wait_canvas_status(page, ["busybox1", "busybox2"], "started", timeout=90)

    # A terminal on each node: address them, then ping across the link.
    page.mouse.dblclick(**node_screen_position(page, "busybox2"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{b["id"]}"] .xterm-screen')
    time.sleep(0.5)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(page, b["id"], "ip addr add 10.0.0.2/24 dev eth0 && echo addr-ok-2")
    wait_terminal_text(page, b["id"], "addr-ok-2\n")
    page.mouse.dblclick(**node_screen_position(page, "busybox1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{a["id"]}"] .xterm-screen')
    time.sleep(0.5)
    type_in_terminal(page, a["id"], "ip addr add 10.0.0.1/24 dev eth0 && echo addr-ok-1")
    wait_terminal_text(page, a["id"], "addr-ok-1\n")
    type_in_terminal(page, a["id"], "ping -c1 -W2 10.0.0.2")
    text = wait_terminal_text(page, a["id"], "packets received")
    assert "bytes from 10.0.0.2" in text, text
    assert "1 packets received" in text, text
    assert len(page.query_selector_all(".terminal-tab")) == 2
    # The PTY has the size xterm was fitted to (the resize message reached the node).
    cols_rows = page.evaluate(
        "(id) => { const t = window.webgns.terminals.tabs.get(id).terminal; return [t.rows, t.cols]; }", a["id"]
    )
    assert cols_rows[1] > 40, cols_rows
    type_in_terminal(page, a["id"], "stty size; echo size-done")
    wait_terminal_text(page, a["id"], f"{cols_rows[0]} {cols_rows[1]}\nsize-done")

    # The link form: netem fields disabled with the host's reason when it lacks netem; a rate applies.
    page.click("#btn-fit")  # the terminals took half the width: bring the lab back into view
    mid = link_screen_midpoint(page, link["id"])
    page.mouse.click(mid["x"], mid["y"])
    page.wait_for_selector(".impairment-form")
    caps = host_capabilities(stack, api)
    if caps and not caps.get("netem"):
        assert page.is_disabled("input[name='a_to_b.delay_ms']")
        assert "unavailable" in page.text_content(".capability-note[data-need=netem]")
    type_in_terminal(page, a["id"], "tc qdisc show dev eth0; echo tc-before")
    shown = wait_terminal_text(page, a["id"], "tc-before\n").split("echo tc-before")[-1]
    assert "qdisc tbf" not in shown and "qdisc netem" not in shown, shown
    page.fill("input[name='a_to_b.rate_kbps']", "2000")
    page.click(".impairment-form button.primary")
    page.wait_for_function(
        "(id) => (window.webgns.store.links.get(id).impairment.a_to_b || {}).rate_kbps === 2000", arg=link["id"]
    )
    assert page.text_content(".impairment-form .form-error") == ""
    saved = api.get(f"{stack.base_url}/api/projects/{project_id}/links/{link['id']}/", timeout=10).json()
    assert saved["impairment"]["a_to_b"]["rate_kbps"] == 2000
    # The shaping is on the wire: node a's eth0 now has a shaping qdisc (busybox's tc names tbf but cannot
    # print its options), where before it had none.
    type_in_terminal(page, a["id"], "tc qdisc show dev eth0; echo tc-after")
    shown = wait_terminal_text(page, a["id"], "tc-after\n").split("echo tc-after")[-1]
    assert "qdisc tbf" in shown or "qdisc netem" in shown, shown

    # Stop the lab from the toolbar; both go grey.
    page.click("#btn-stop-all")
    wait_canvas_status(page, ["busybox1", "busybox2"], "stopped", timeout=90)
    # The consoles end with their containers, and their tabs say so.
    wait_terminal_text(page, a["id"], "console closed")


def test_two_pages_on_one_project_see_each_others_changes(stack, project, logged_in):
    first, second = logged_in(), logged_in()
    open_editor(first, stack.base_url, project["id"])
    open_editor(second, stack.base_url, project["id"])
    first.wait_for_function("window.webgns.store.seq !== null")
    second.wait_for_function("window.webgns.store.seq !== null")

    # A node added in the first page appears in the second.
    first.click('.palette-item[data-template-name="busybox"]')
    second.wait_for_function(
        "[...window.webgns.store.nodes.values()].some((n) => n.name === 'busybox1')", timeout=10_000
    )
    node = node_named(second, "busybox1")
    assert second.evaluate("(id) => window.webgns.canvas.cy.getElementById(id).nonempty()", node["id"])

    # Moved by mouse in the first page: the second page's canvas follows.
    start = node_screen_position(first, "busybox1")
    drag_mouse(first, start, {"x": start["x"] + 150, "y": start["y"] + 80})
    moved = first.evaluate("(id) => window.webgns.canvas.cy.getElementById(id).position()", node["id"])
    second.wait_for_function(
        """([id, x, y]) => { const p = window.webgns.canvas.cy.getElementById(id).position();
             return Math.abs(p.x - x) < 1 && Math.abs(p.y - y) < 1; }""",
        arg=[node["id"], moved["x"], moved["y"]],
        timeout=10_000,
    )
    assert abs(moved["x"] - node["x"]) > 50

    # Renamed in the second page: the first page shows the new name.
    second.mouse.click(**node_screen_position(second, "busybox1"))
    second.fill(".rename-form input[name=name]", "renamed1")
    second.click(".rename-form button[type=submit]")
    first.wait_for_function(
        "(id) => window.webgns.canvas.cy.getElementById(id).data('label') === 'renamed1'", arg=node["id"]
    )

    # Deleted from the first page's context menu: gone from the second.
    pos = node_screen_position(first, "renamed1")
    first.mouse.click(pos["x"], pos["y"], button="right")
    first.click(".context-menu button:text('Delete')")
    second.wait_for_function("window.webgns.store.nodes.size === 0", timeout=10_000)
    assert second.evaluate("window.webgns.canvas.cy.nodes().length") == 0


def test_box_select_with_shift_and_delete_the_selection(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    busybox = next(t for t in items(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())
                   if t["name"] == "busybox")
    made = {name: api.post(f"{base}/nodes/", json={"name": name, "template": busybox["id"], "x": x, "y": y},
                           timeout=10).json()
            for name, x, y in (("a1", 0, 0), ("a2", 150, 0), ("far", 600, 400))}
    api.post(f"{base}/links/", json={"a": {"node": made["a1"]["id"]}, "b": {"node": made["far"]["id"]}}, timeout=10)
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("window.webgns.canvas.cy.nodes().length === 3 && window.webgns.store.links.size === 1")

    # Shift+drag a box around a1 and a2 only.
    a1, a2 = node_screen_position(page, "a1"), node_screen_position(page, "a2")
    page.keyboard.down("Shift")
    drag_mouse(page, {"x": a1["x"] - 40, "y": a1["y"] - 40}, {"x": a2["x"] + 40, "y": a2["y"] + 50})
    page.keyboard.up("Shift")
    selected = page.evaluate("window.webgns.canvas.selected().nodes().map((n) => n.data('label')).sort()")
    assert selected == ["a1", "a2"]

    # Delete asks first (two elements), then removes both (and a1's link) on the server; "far" stays.
    page.keyboard.press("Delete")
    page.click("#confirm-delete-yes")
    page.wait_for_function("window.webgns.canvas.cy.nodes().length === 1")
    names = [n["name"] for n in items(api.get(f"{base}/nodes/", timeout=10).json())]
    assert names == ["far"]
    assert items(api.get(f"{base}/links/", timeout=10).json()) == []


def test_refusals_are_shown_next_to_what_caused_them(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    templates = items(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())
    busybox = next(t for t in templates if t["name"] == "busybox")
    nodes = [
        api.post(f"{base}/nodes/", json={"name": n, "template": busybox["id"], "x": x, "y": 0, "adapters": 1},
                 timeout=10).json()
        for n, x in (("one", 0), ("two", 200), ("three", 400))
    ]
    link = api.post(f"{base}/links/", json={"a": {"node": nodes[0]["id"]}, "b": {"node": nodes[1]["id"]}},
                    timeout=10).json()
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("window.webgns.store.links.size === 1")

    # A server-side rule (jitter needs a delay) lands under the jitter input of that direction.
    mid = link_screen_midpoint(page, link["id"])
    page.mouse.click(mid["x"], mid["y"])
    page.wait_for_selector(".impairment-form")
    if page.is_enabled("input[name='b_to_a.jitter_ms']"):
        page.fill("input[name='b_to_a.jitter_ms']", "5")
        page.click(".impairment-form button.primary")
        error = page.wait_for_selector(".field-error[data-for='b_to_a.jitter_ms']:not(:empty)")
        assert "delay" in error.text_content().lower()
        page.fill("input[name='b_to_a.jitter_ms']", "")
    # A client-side range check names its own input.
    page.fill("input[name='a_to_b.rate_kbps']", "3")
    page.click(".impairment-form button.primary")
    error = page.wait_for_selector(".field-error[data-for='a_to_b.rate_kbps']:not(:empty)")
    assert "between 8 and" in error.text_content()

    # Linking a node whose only port is taken is refused with the node's name in the notice bar.
    page.click("#btn-link-mode")
    drag_mouse(page, node_screen_position(page, "three"), node_screen_position(page, "one"))
    notice = page.wait_for_selector(".notice-error")
    assert "one has no free port" in notice.text_content()
    assert page.evaluate("window.webgns.store.links.size") == 1

    # A duplicate name on rename: the server's message under the name input.
    page.click("#btn-link-mode")
    page.mouse.click(**node_screen_position(page, "three"))
    page.fill(".rename-form input[name=name]", "one")
    page.click(".rename-form button[type=submit]")
    error = page.wait_for_selector(".field-error[data-for=name]:not(:empty)")
    assert "already exists" in error.text_content()


def test_login_refuses_a_wrong_password(stack, new_page):
    page = new_page()
    page.goto(f"{stack.base_url}/projects/{uuid.uuid4()}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", stack.username)
    page.fill("#id_password", "not-the-password")
    page.click("form.login-form button[type=submit]")
    assert "enter a correct username and password" in page.text_content("[role=alert]").lower()


def test_export_import_and_delete_from_the_project_list(stack, api, project, logged_in, cleanup_projects, tmp_path):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    busybox = next(t for t in items(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())
                   if t["name"] == "busybox")
    for name, x in (("left", 0), ("right", 300)):
        api.post(f"{base}/nodes/", json={"name": name, "template": busybox["id"], "x": x, "y": 0}, timeout=10)
    page = logged_in()
    row = page.wait_for_selector(f'tr[data-project-id="{project["id"]}"]')

    # Export downloads the project's JSON document.
    with page.expect_download() as download_info:
        row.query_selector("a:text('Export')").click()
    exported = tmp_path / "exported.json"
    download_info.value.save_as(exported)
    document = json.loads(exported.read_text())
    assert sorted(n["name"] for n in document["nodes"]) == ["left", "right"]

    # Importing it under a new name opens the copy in the editor with both nodes.
    document["name"] = f"{project['name']}-copy"
    exported.write_text(json.dumps(document))
    page.set_input_files("#import-form input[type=file]", str(exported))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/projects/*/")
    copy_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    cleanup_projects.append(copy_id)
    assert copy_id != project["id"]
    page.wait_for_function("window.webgns && window.webgns.canvas.cy.nodes().length === 2")

    # A file that is not an export is refused under the import form.
    page.goto(f"{stack.base_url}/")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    page.set_input_files("#import-form input[type=file]", str(bad))
    # The dry run refuses it at once: Import stays off, nothing is made.
    error = page.wait_for_selector("#import-form .field-error:not(:empty)")
    assert "format" in error.text_content()
    assert page.is_disabled("#import-form button[type=submit]")

    # Delete from the list, after the confirmation dialog.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f'tr[data-project-id="{copy_id}"] button:text("Delete")')
    page.wait_for_selector(f'tr[data-project-id="{copy_id}"]', state="detached")
    assert api.get(f"{stack.base_url}/api/projects/{copy_id}/", timeout=10).status_code == 404
