"""End-to-end: the canvas's view — Fit that keeps names readable, zoom buttons, a wheel at a usable speed, the
minimap, snap to grid, and icons with a status badge."""

import pytest

from tests.e2e.editor_page import node_screen_position, open_editor

pytestmark = pytest.mark.e2e


def items(body: list | dict) -> list:
    return body["results"] if isinstance(body, dict) else body


def zoom(page) -> float:
    return page.evaluate("window.webgns.canvas.cy.zoom()")


def test_fit_zoom_wheel_minimap_and_grid(stack, api, project, logged_in):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    templates = {t["name"]: t for t in items(api.get(f"{stack.base_url}/api/templates/", timeout=10).json())}
    # A lab far wider than the window: fitting all of it would shrink names to nothing.
    for i, x in enumerate((0, 2500, 5000)):
        template = templates["busybox"] if i != 1 else templates["bridge"]
        api.post(f"{base}/nodes/", json={"name": f"n{i}", "template": template["id"], "x": x, "y": 0}, timeout=10)
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("window.webgns.canvas.cy.nodes().length === 3")

    # Icons by role with a status badge: a busybox node is a host, a bridge a switch.
    roles = page.evaluate("window.webgns.canvas.cy.nodes().map((n) => [n.data('label'), n.data('role')])")
    assert dict(roles) == {"n0": "host", "n1": "switch", "n2": "host"}
    assert page.evaluate("window.webgns.canvas.cy.getElementById(window.webgns.canvas.cy.nodes()[0].id())"
                         ".style('background-image')").startswith("data:image/svg+xml")

    page.click("#btn-fit")
    assert zoom(page) >= 0.6 - 1e-9
    page.keyboard.press("Shift+F")
    assert zoom(page) < 0.3  # everything, names or not

    # Zoom buttons step by a quarter; one wheel notch zooms by less than half again.
    page.click("#btn-fit")
    before = zoom(page)
    page.click("#btn-zoom-in")
    assert zoom(page) == pytest.approx(before * 1.25)
    page.click("#btn-zoom-out")
    assert zoom(page) == pytest.approx(before)
    box = page.locator("#canvas").bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.wheel(0, -100)
    page.wait_for_function("(z) => window.webgns.canvas.cy.zoom() !== z", arg=before)
    assert 1.05 < zoom(page) / before < 1.5

    # The minimap: a click on n2's dot (far right) brings n2 into the middle of the view.
    n2 = page.evaluate("[...window.webgns.store.nodes.values()].find((n) => n.name === 'n2').id")
    mini = page.locator("canvas.minimap").bounding_box()
    dot = page.evaluate("""() => { const m = window.webgns.canvas.minimap;
        return { x: (5000 - m.origin.x) * m.scale, y: (0 - m.origin.y) * m.scale }; }""")
    assert 0 < dot["x"] < mini["width"] and 0 < dot["y"] < mini["height"], dot
    page.mouse.click(mini["x"] + 1 + dot["x"], mini["y"] + 1 + dot["y"])  # inside its 1 px border
    page.wait_for_function(
        """(id) => { const cy = window.webgns.canvas.cy; const p = cy.getElementById(id).renderedPosition();
           return Math.abs(p.x - cy.width() / 2) < 60 && Math.abs(p.y - cy.height() / 2) < 60; }""",
        arg=n2,
    )

    # Snap to grid: a dragged node lands on a multiple of 20.
    page.click("#btn-fit")
    page.check("#snap-grid")
    start = node_screen_position(page, "n1")
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(start["x"] + 37, start["y"] + 23, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "() => { const n = [...window.webgns.store.nodes.values()].find((n) => n.name === 'n1'); return n.y !== 0; }"
    )
    moved = next(n for n in items(api.get(f"{base}/nodes/", timeout=10).json()) if n["name"] == "n1")
    assert moved["x"] % 20 == 0 and moved["y"] % 20 == 0 and (moved["x"], moved["y"]) != (2500, 0), moved
