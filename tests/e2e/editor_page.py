"""Gestures and reads on the editor page, as the tests use them: where a node is on screen, drag a
template in, draw a link, wait for a status, type in a terminal and read it back.

The page exposes its parts as `window.webgns` (store, canvas); tests read state there and act only
through real mouse and keyboard input.
"""

import time


def open_editor(page, base_url: str, project_id: str) -> None:
    page.goto(f"{base_url}/projects/{project_id}/")
    page.wait_for_selector(".palette-item")
    # The snapshot has arrived (or the REST fallback loaded): the canvas shows the stored lab.
    page.wait_for_function("window.webgns && window.webgns.store.project !== null")


def node_named(page, name: str) -> dict:
    node = page.evaluate(
        "(name) => [...window.webgns.store.nodes.values()].find((n) => n.name === name) || null", name
    )
    assert node, f"no node named {name} in the editor"
    return node


def node_screen_position(page, name: str) -> dict:
    return page.evaluate(
        """(name) => {
          const ed = window.webgns;
          const node = [...ed.store.nodes.values()].find((n) => n.name === name);
          const rect = ed.canvas.container.getBoundingClientRect();
          const p = ed.canvas.cy.getElementById(node.id).renderedPosition();
          return { x: rect.left + p.x, y: rect.top + p.y };
        }""",
        name,
    )


def link_screen_midpoint(page, link_id: str) -> dict:
    return page.evaluate(
        """(id) => {
          const ed = window.webgns;
          const rect = ed.canvas.container.getBoundingClientRect();
          const p = ed.canvas.cy.getElementById(id).renderedMidpoint();
          return { x: rect.left + p.x, y: rect.top + p.y };
        }""",
        link_id,
    )


def drag_mouse(page, start: dict, end: dict, steps: int = 12) -> None:
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(start["x"] + (end["x"] - start["x"]) * i / steps,
                        start["y"] + (end["y"] - start["y"]) * i / steps)
        time.sleep(0.02)
    time.sleep(0.15)  # edgehandles confirms a hovered target after its hoverDelay
    page.mouse.up()


def canvas_status(page, name: str) -> str:
    """The status the canvas draws for a node (its data field that the stylesheet colours)."""
    return page.evaluate(
        """(name) => {
          const ed = window.webgns;
          const node = [...ed.store.nodes.values()].find((n) => n.name === name);
          return ed.canvas.cy.getElementById(node.id).data("status");
        }""",
        name,
    )


def wait_canvas_status(page, names: list[str], status: str, timeout: float = 60) -> None:
    page.wait_for_function(
        """([names, status]) => {
          const ed = window.webgns;
          return names.every((name) => {
            const node = [...ed.store.nodes.values()].find((n) => n.name === name);
            return node && ed.canvas.cy.getElementById(node.id).data("status") === status;
          });
        }""",
        arg=[names, status],
        timeout=timeout * 1000,
    )


def terminal_text(page, node_id: str) -> str:
    return page.evaluate(
        """(id) => {
          const pane = document.querySelector(`.terminal-pane[data-node-id="${id}"] .xterm-rows`);
          return pane ? pane.innerText : "";
        }""",
        node_id,
    )


def type_in_terminal(page, node_id: str, line: str) -> None:
    page.click(f'.terminal-pane[data-node-id="{node_id}"] .xterm-screen')
    page.keyboard.type(line, delay=5)
    page.keyboard.press("Enter")


def wait_terminal_text(page, node_id: str, needle: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = terminal_text(page, node_id)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared in the terminal; it shows:\n{text}")
