"""End-to-end tests of editing in the browser editor: selection, deletion that asks, undo, copy/paste.

Real Chromium against a real stack; the lab that undo brings back is started and pinged through.
"""

import pytest

from tests.e2e.editor_page import node_named, node_screen_position, open_editor, wait_canvas_status
from tests.waiting import wait_for

pytestmark = pytest.mark.e2e


def items(body: list | dict) -> list:
    return body["results"] if isinstance(body, dict) else body


def busybox(stack, api) -> dict:
    templates = items(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())
    return next(t for t in templates if t["name"] == "busybox")


def make_nodes(stack, api, project, specs) -> dict:
    base = f"{stack.base_url}/api/projects/{project['id']}"
    template = busybox(stack, api)
    made = {}
    for name, x, y, *extra in specs:
        body = {"name": name, "template": template["id"], "x": x, "y": y, **(extra[0] if extra else {})}
        response = api.post(f"{base}/nodes/", json=body, timeout=10)
        assert response.status_code == 201, response.text
        made[name] = response.json()
    return made


def selected_names(page) -> list[str]:
    return page.evaluate(
        "() => window.webgns.canvas.selection().nodes.map((id) => window.webgns.store.nodes.get(id).name).sort()"
    )


def click_node(page, name: str, shift: bool = False) -> None:
    p = node_screen_position(page, name)
    if shift:
        page.keyboard.down("Shift")
    page.mouse.click(p["x"], p["y"])
    if shift:
        page.keyboard.up("Shift")


def test_click_replaces_the_selection_and_shift_click_adds(stack, api, project, logged_in):
    make_nodes(stack, api, project, [("a1", 0, 0), ("a2", 150, 0), ("a3", 300, 0)])
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("window.webgns.canvas.cy.nodes().length === 3")
    click_node(page, "a1")
    assert selected_names(page) == ["a1"]
    click_node(page, "a2")
    assert selected_names(page) == ["a2"]  # the first one lost its ring
    click_node(page, "a3", shift=True)
    assert selected_names(page) == ["a2", "a3"]
    click_node(page, "a2", shift=True)  # shift-click on a selected node takes it out
    assert selected_names(page) == ["a3"]
    # The side panel shows the one node clicked last.
    click_node(page, "a1")
    assert page.input_value(".rename-form input") == "a1"


def test_deleting_several_asks_and_lists_them(stack, api, project, logged_in):
    made = make_nodes(stack, api, project, [("b1", 0, 0), ("b2", 150, 0)])
    base = f"{stack.base_url}/api/projects/{project['id']}"
    api.post(f"{base}/links/", json={"a": {"node": made["b1"]["id"]}, "b": {"node": made["b2"]["id"]}}, timeout=10)
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("window.webgns.canvas.cy.nodes().length === 2 && window.webgns.store.links.size === 1")
    click_node(page, "b1")
    click_node(page, "b2", shift=True)
    page.keyboard.press("Delete")
    dialog = page.wait_for_selector("dialog.confirm-delete")
    text = dialog.inner_text()
    assert "node b1" in text and "node b2" in text and "link b1:eth0 — b2:eth0" in text, text
    page.click("dialog.confirm-delete button[value=cancel]")
    page.wait_for_selector("dialog.confirm-delete", state="detached")
    assert len(items(api.get(f"{base}/nodes/", timeout=10).json())) == 2

    # A single stopped node goes without a question; undo brings it back.
    click_node(page, "b1")
    page.keyboard.press("Delete")
    page.wait_for_function("window.webgns.store.nodes.size === 1")
    assert page.query_selector("dialog.confirm-delete") is None
    page.keyboard.press("Control+z")
    page.wait_for_function("window.webgns.store.nodes.size === 2 && window.webgns.store.links.size === 1")
    assert sorted(n["name"] for n in items(api.get(f"{base}/nodes/", timeout=10).json())) == ["b1", "b2"]


def test_undo_brings_a_deleted_linked_node_back_and_the_lab_still_pings(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    made = make_nodes(stack, api, project, [
        ("h1", 0, 0, {"startup": ["ip addr add 10.0.0.1/24 dev eth0"], "environment": {"ROLE": "left"}}),
        ("h2", 200, 0, {"startup": ["ip addr add 10.0.0.2/24 dev eth0"]}),
    ])
    link = api.post(f"{base}/links/", json={"a": {"node": made["h1"]["id"], "port": "eth0"},
                                            "b": {"node": made["h2"]["id"], "port": "eth0"}}, timeout=10).json()
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.click("#btn-start-all")
    wait_canvas_status(page, ["h1", "h2"], "started", timeout=90)

    click_node(page, "h1")
    page.keyboard.press("Delete")
    dialog = page.wait_for_selector("dialog.confirm-delete")
    assert "started" in dialog.inner_text() and "lost" in dialog.inner_text()
    page.click("#confirm-delete-yes")
    page.wait_for_function("window.webgns.store.nodes.size === 1 && window.webgns.store.links.size === 0")

    page.click("#btn-undo")
    page.wait_for_function("window.webgns.store.nodes.size === 2 && window.webgns.store.links.size === 1")
    back = node_named(page, "h1")
    assert back["id"] != made["h1"]["id"]
    saved = api.get(f"{base}/nodes/{back['id']}/", timeout=10).json()
    assert saved["environment"] == {"ROLE": "left"}
    assert saved["startup"] == ["ip addr add 10.0.0.1/24 dev eth0"]
    links = items(api.get(f"{base}/links/", timeout=10).json())
    assert len(links) == 1 and links[0]["id"] != link["id"]
    assert {links[0]["a"]["node"], links[0]["b"]["node"]} == {back["id"], made["h2"]["id"]}

    # h2 ran on while its link went and came back (a new veth without the address its startup gave it):
    # stop and start the whole lab, as a user would, and ping across the restored link.
    page.click("#btn-stop-all")
    wait_canvas_status(page, ["h1", "h2"], "stopped", timeout=90)
    page.click("#btn-start-all")
    wait_canvas_status(page, ["h1", "h2"], "started", timeout=90)

    # A node shows started before the lab's startup lines have run: wait for both addresses.
    def addressed(node_id: str, address: str) -> bool:
        shown = api.post(f"{base}/nodes/{node_id}/exec/", json={"command": "ip -o -4 addr show dev eth0"},
                         timeout=60).json()
        return address in shown.get("output", "")

    wait_for(lambda: addressed(back["id"], "10.0.0.1/24") and addressed(made["h2"]["id"], "10.0.0.2/24"), 60,
             what="the startup lines' addresses on h1 and h2")
    result = api.post(f"{base}/nodes/{made['h2']['id']}/exec/", json={"command": "ping -c 1 -W 3 10.0.0.1"},
                      timeout=120).json()
    assert result["exit_code"] == 0, result


def test_copy_paste_of_two_linked_nodes(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    made = make_nodes(stack, api, project, [("r1", 0, 0), ("r2", 160, 0), ("other", 0, 200)])
    api.post(f"{base}/links/", json={"a": {"node": made["r1"]["id"], "port": "eth0"},
                                     "b": {"node": made["r2"]["id"], "port": "eth1"}}, timeout=10)
    api.post(f"{base}/links/", json={"a": {"node": made["r2"]["id"]}, "b": {"node": made["other"]["id"]}},
             timeout=10)
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("window.webgns.canvas.cy.nodes().length === 3 && window.webgns.store.links.size === 2")
    click_node(page, "r1")
    click_node(page, "r2", shift=True)
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    page.wait_for_function("window.webgns.store.nodes.size === 5 && window.webgns.store.links.size === 3")
    nodes = {n["name"]: n for n in items(api.get(f"{base}/nodes/", timeout=10).json())}
    assert set(nodes) == {"r1", "r2", "other", "r3", "r4"}
    new_links = [lk for lk in items(api.get(f"{base}/links/", timeout=10).json())
                 if {lk["a"]["node"], lk["b"]["node"]} == {nodes["r3"]["id"], nodes["r4"]["id"]}]
    assert len(new_links) == 1
    ends = {(new_links[0][side]["node"], new_links[0][side]["port"]) for side in ("a", "b")}
    assert ends == {(nodes["r3"]["id"], "eth0"), (nodes["r4"]["id"], "eth1")}
    assert selected_names(page) == ["r3", "r4"]
    # One undo removes the whole paste.
    page.keyboard.press("Control+z")
    page.wait_for_function("window.webgns.store.nodes.size === 3 && window.webgns.store.links.size === 2")
