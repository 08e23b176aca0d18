"""The project list's Import takes containerlab, GNS3 and webgns files (chosen or dropped), shows each
node's fate from the server's dry run before anything is made, and the editor's Export offers the
formats. Nothing here runs a lab: what is checked is the page and what the server stored."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "topology" / "fixtures"
CLAB = """name: {name}
topology:
  nodes:
    pc1: {{kind: linux, image: webgns/busybox:latest}}
    pc2: {{kind: linux, image: webgns/host:latest}}
    veos: {{kind: ceos, image: ceos:4.30}}
  links:
    - endpoints: ["pc1:eth1", "pc2:eth1"]
    - endpoints: ["pc1:eth2", "veos:eth1"]
"""


def projects_named(api, stack, name: str) -> list[dict]:
    found = api.get(f"{stack.base_url}/api/projects/", timeout=10).json()
    found = found.get("results", found) if isinstance(found, dict) else found
    return [p for p in found if p["name"] == name]


def test_a_clab_file_is_reported_node_by_node_then_imported(stack, api, logged_in, cleanup_projects, tmp_path):
    name = f"clab-{uuid.uuid4().hex[:6]}"
    path = tmp_path / f"{name}.clab.yml"
    path.write_text(CLAB.format(name=name))
    page = logged_in()
    page.set_input_files("#import-form input[name=file]", str(path))
    # The dry run: the cEOS node cannot run here; nothing is made yet, Import stays off.
    page.wait_for_selector(".import-report tr.import-blocked")
    assert "veos" in page.text_content(".import-report tr.import-blocked")
    assert "cannot run here" in page.text_content("#import-form .field-error")
    assert page.is_disabled("#import-form button[type=submit]")
    assert projects_named(api, stack, name) == []
    # Skip what cannot run: the report says so, and Import makes the rest.
    page.click("#import-form summary")
    page.check("#import-form input[name=skip_unsupported]")
    page.wait_for_function("!document.querySelector('#import-form button[type=submit]').disabled")
    assert "2 node(s) to make" in page.text_content(".import-summary")
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/projects/*/")
    project_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    cleanup_projects.append(project_id)
    page.wait_for_function("window.webgns && window.webgns.canvas.cy.nodes().length === 2")

    # Export offers the formats: YAML names the same two nodes.
    page.select_option("#export-format", "yaml")
    href = page.get_attribute("#btn-export", "href")
    assert href.endswith("?format=yaml") and page.get_attribute("#btn-export", "download").endswith(".webgns.yaml")
    text = page.evaluate("async (url) => (await fetch(url)).text()", href)
    assert "pc1" in text and "pc2" in text and "veos" not in text
    page.select_option("#export-format", "clab")
    assert page.get_attribute("#btn-export", "href").endswith("?format=clab")


def test_a_gns3_file_dropped_on_the_zone_is_reported(stack, api, logged_in, cleanup_projects):
    page = logged_in()
    content = (FIXTURES / "vlans.gns3").read_text()
    page.wait_for_selector("#import-form .drop-zone")
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "vlans.gns3", { type: "application/json" }));
            const zone = document.querySelector("#import-form .drop-zone");
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
        }""",
        content,
    )
    page.wait_for_selector(".import-report table")
    assert page.text_content("#import-form .chosen-file") == "vlans.gns3"
    names = json.loads(content)["topology"]["nodes"]
    assert any(node["name"] in page.text_content(".import-report") for node in names)


def test_a_broken_file_is_refused_with_its_line(stack, logged_in, tmp_path):
    path = tmp_path / "broken.clab.yml"
    path.write_text("name: x\ntopology:\n  nodes:\n    a: {kind: linux\n")
    page = logged_in()
    page.set_input_files("#import-form input[name=file]", str(path))
    page.wait_for_function("document.querySelector('#import-form .field-error').textContent.length > 0")
    assert "line" in page.text_content("#import-form .field-error").lower()
    assert page.is_disabled("#import-form button[type=submit]")
