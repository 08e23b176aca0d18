"""End-to-end: annotations drawn in the editor are stored, survive a reload, move, resize, and travel through
export and import."""

import pytest

from tests.e2e.editor_page import drag_mouse, open_editor

pytestmark = pytest.mark.e2e


def annotation_screen_box(page, annotation_id: str) -> dict:
    return page.evaluate(
        """(id) => {
          const ed = window.webgns;
          const rect = ed.canvas.container.getBoundingClientRect();
          const el = ed.canvas.cy.getElementById(id);
          const p = el.renderedPosition();
          const z = ed.canvas.cy.zoom();
          return { x: rect.left + p.x, y: rect.top + p.y, w: el.data("w") * z, h: el.data("h") * z };
        }""",
        annotation_id,
    )


def test_an_annotation_survives_reload_and_export_import(stack, api, project, logged_in, cleanup_projects):
    base = f"{stack.base_url}/api/projects/{project['id']}"
    page = logged_in()
    open_editor(page, stack.base_url, project["id"])
    page.click("#btn-add-rect")
    page.wait_for_function("window.webgns.store.annotations.size === 1")
    note = page.evaluate("[...window.webgns.store.annotations.values()][0]")
    assert note["kind"] == "rect"

    # Label and colour from the side panel.
    page.fill(".annotation-form textarea[name=text]", "core network")
    page.click(".annotation-form button.primary")
    page.click('.swatch[data-colour="green"]')
    page.wait_for_function(
        "(id) => { const a = window.webgns.store.annotations.get(id); "
        "return a.text === 'core network' && a.style.fill === '#e6f4ea'; }",
        arg=note["id"],
    )

    # Moved with the mouse, then resized by its corner handle.
    box = annotation_screen_box(page, note["id"])
    drag_mouse(page, {"x": box["x"], "y": box["y"]}, {"x": box["x"] + 80, "y": box["y"] + 40})
    page.wait_for_function("([id, x]) => window.webgns.store.annotations.get(id).x > x + 30",
                           arg=[note["id"], note["x"]])
    page.mouse.click(box["x"] + 80, box["y"] + 40)  # select it (the drag may have left it selected anyway)
    handle = page.wait_for_selector(".annotation-handle:not([hidden])")
    hb = handle.bounding_box()
    start = {"x": hb["x"] + hb["width"] / 2, "y": hb["y"] + hb["height"] / 2}
    drag_mouse(page, start, {"x": start["x"] + 100, "y": start["y"] + 50})
    page.wait_for_function("([id, w]) => window.webgns.store.annotations.get(id).width > w + 50",
                           arg=[note["id"], note["width"]])
    saved = api.get(f"{base}/annotations/{note['id']}/", timeout=10).json()
    assert saved["text"] == "core network" and saved["style"]["fill"] == "#e6f4ea"
    assert saved["x"] > note["x"] + 30 and saved["width"] > note["width"] + 50

    # Undo takes the resize back.
    page.keyboard.press("Control+z")
    page.wait_for_function("([id, w]) => window.webgns.store.annotations.get(id).width === w",
                           arg=[note["id"], note["width"]])
    page.keyboard.press("Control+Shift+z")
    page.wait_for_function("([id, w]) => window.webgns.store.annotations.get(id).width > w + 50",
                           arg=[note["id"], note["width"]])
    saved = api.get(f"{base}/annotations/{note['id']}/", timeout=10).json()

    # After a reload the canvas draws it where it was, behind the lab.
    page.reload()
    open_editor(page, stack.base_url, project["id"])
    page.wait_for_function("(id) => window.webgns.canvas.cy.getElementById(id).nonempty()", arg=note["id"])
    drawn = page.evaluate(
        """(id) => { const el = window.webgns.canvas.cy.getElementById(id);
           return { label: el.data('label'), w: el.data('w'), depth: el.style('z-compound-depth') }; }""",
        note["id"],
    )
    assert drawn == {"label": "core network", "w": saved["width"], "depth": "bottom"}

    # Export, import: the copy has it, and its editor draws it.
    exported = api.get(f"{base}/export/", timeout=10).json()
    assert [a["text"] for a in exported["annotations"]] == ["core network"]
    imported = api.post(f"{stack.base_url}/api/projects/import/?name={project['name']}-copy", json=exported,
                        timeout=30)
    assert imported.status_code == 201, imported.text
    copy = imported.json()
    cleanup_projects.append(copy["id"])
    open_editor(page, stack.base_url, copy["id"])
    page.wait_for_function("window.webgns.canvas.cy.nodes('.annotation').length === 1")
    copied = page.evaluate("[...window.webgns.store.annotations.values()][0]")
    assert (copied["x"], copied["y"], copied["width"], copied["text"]) == (
        saved["x"], saved["y"], saved["width"], "core network")
