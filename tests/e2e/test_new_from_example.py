"""The project list's "New from example": choose a shipped example, get a project of it in the editor."""

import pytest

pytestmark = pytest.mark.e2e


def test_new_from_example_opens_the_example_in_the_editor(stack, api, logged_in, cleanup_projects):
    page = logged_in()
    page.wait_for_selector("#example-select option[value='ospf-triangle']", state="attached")
    page.select_option("#example-select", "ospf-triangle")
    assert "OSPF" in page.text_content("#example-description")
    page.click("#example-form button[type=submit]")
    page.wait_for_url("**/projects/*/")
    project_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    cleanup_projects.append(project_id)
    page.wait_for_function("window.webgns && window.webgns.canvas.cy.nodes().length === 5")
    nodes = api.get(f"{stack.base_url}/api/projects/{project_id}/nodes/", timeout=10).json()
    nodes = nodes.get("results", nodes) if isinstance(nodes, dict) else nodes
    assert sorted(n["name"] for n in nodes) == ["h1", "h3", "r1", "r2", "r3"]
