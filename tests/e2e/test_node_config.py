"""The node panel's configuration section in a real Chromium: write a router's frr.conf in the code
editor, save, start the lab, and see OSPF reach Full in the router's terminal."""

from __future__ import annotations

import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .editor_page import node_screen_position, open_editor, type_in_terminal, wait_canvas_status

CONF = """frr defaults traditional
hostname {name}
service integrated-vtysh-config
!
interface eth0
 ip address 10.0.12.{last}/24
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 4
!
router ospf
 ospf router-id 10.0.12.{last}
 network 10.0.12.0/24 area 0
!
"""


def results(body):
    return body.get("results", body) if isinstance(body, dict) else body


def test_a_routers_config_written_in_the_panel_brings_ospf_up(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    templates = {t["name"]: t for t in results(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())}
    r1 = api.post(f"{base}/nodes/", json={"name": "r1", "template": templates["frr"]["id"], "x": 100, "y": 200},
                  timeout=10).json()  # fmt: skip
    r2 = api.post(f"{base}/nodes/", json={"name": "r2", "template": templates["frr"]["id"], "x": 400, "y": 200,
                                          "files": {"/etc/frr/frr.conf": CONF.format(name="r2", last=2)}},
                  timeout=10).json()  # fmt: skip
    link = api.post(f"{base}/links/", json={"a": {"node": r1["id"], "port": "eth0"},
                                            "b": {"node": r2["id"], "port": "eth0"}}, timeout=10)  # fmt: skip
    assert link.status_code == 201, link.text

    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.mouse.click(**node_screen_position(page, "r1"))
    page.wait_for_selector(".node-config-form select[name=file]")
    page.select_option(".node-config-form select[name=file]", "/etc/frr/frr.conf")
    page.wait_for_selector('.code-editor[data-path="/etc/frr/frr.conf"] .cm-content')
    page.click(".code-editor .cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(CONF.format(name="r1", last=1))  # as pasted: no auto-indent on the way
    assert "ip ospf hello-interval 1" in page.text_content(".code-editor .cm-content")
    page.click(".node-config-form button[type=submit]")
    page.wait_for_selector(".save-note:has-text('Saved')")
    saved = api.get(f"{base}/nodes/{r1['id']}/", timeout=10).json()
    assert saved["files"]["/etc/frr/frr.conf"] == CONF.format(name="r1", last=1)

    assert api.post(f"{base}/start/", timeout=10).status_code == 202
    wait_canvas_status(page, ["r1", "r2"], "started", timeout=90)
    page.mouse.dblclick(**node_screen_position(page, "r1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{r1["id"]}"] .xterm-screen')
    deadline = time.monotonic() + 60
    text = ""
    while time.monotonic() < deadline:  # hello every 1 s, dead after 4 s: Full within seconds of start
        type_in_terminal(page, r1["id"], "vtysh -c 'show ip ospf neighbor'")
        try:
            page.wait_for_function(
                """(id) => (document.querySelector(`.terminal-pane[data-node-id="${id}"] .xterm-rows`)
                             || {}).innerText?.includes("Full")""",
                arg=r1["id"], timeout=3000,
            )  # fmt: skip
            text = page.inner_text(f'.terminal-pane[data-node-id="{r1["id"]}"] .xterm-rows')
            break
        except PlaywrightTimeout:  # not Full yet: ask again
            continue
    assert "Full" in text and "10.0.12.2" in text, text
