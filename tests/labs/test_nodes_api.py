"""Nodes: created from templates with their defaults, ports derived from adapters, every rule checked."""

import pytest

from tests.labs.factories import create_link, create_node, create_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(api):
    return create_project(api)


def nodes_url(project: dict) -> str:
    return f"/api/projects/{project['id']}/nodes/"


def test_create_node_takes_template_defaults(api, project, templates):
    node = create_node(api, project, templates["busybox"], "pc1")
    assert node["kind"] == "docker" and node["status"] == "stopped"
    assert node["ports"] == [{"name": f"eth{i}", "link": None} for i in range(4)]
    assert (node["x"], node["y"]) == (10, 20)
    switch = create_node(api, project, templates["bridge"], "sw1")
    assert len(switch["ports"]) == 8 and switch["kind"] == "bridge"


def test_overrides(api, project, templates):
    node = create_node(api, project, templates["busybox"], "r1", adapters=2, environment={"ROLE": "router"},
                       start_command="sleep 1000", startup=["ip link set lo up", "echo hi"])
    assert len(node["ports"]) == 2
    assert node["environment"] == {"ROLE": "router"}
    assert node["startup"] == ["ip link set lo up", "echo hi"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": "1abc"}, "name"),
        ({"name": "has space"}, "name"),
        ({"name": "a" * 33}, "name"),
        ({"name": "a_b"}, "name"),
        ({"adapters": 0}, "adapters"),
        ({"adapters": 100}, "adapters"),
        ({"environment": {"A=B": "x"}}, "environment"),
        ({"environment": "A=B"}, "environment"),
        ({"startup": 5}, "startup"),
        ({"x": "left"}, "x"),
        ({"template": "00000000-0000-0000-0000-000000000000"}, "template"),
    ],
)
def test_bad_node_input(api, project, templates, extra, field):
    body = {"name": "pc1", "template": str(templates["busybox"].id), **extra}
    response = api.post(nodes_url(project), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_names_unique_per_project(api, project, templates):
    create_node(api, project, templates["busybox"], "pc1")
    response = api.post(nodes_url(project), {"name": "pc1", "template": str(templates["busybox"].id)}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    # Another project may reuse the name.
    create_node(api, create_project(api, "other"), templates["busybox"], "pc1")


def test_move_rename_and_refused_changes(api, project, templates):
    a = create_node(api, project, templates["busybox"], "pc1")
    b = create_node(api, project, templates["busybox"], "pc2")
    create_link(api, project, a, b, "eth1", "eth0")
    url = f"{nodes_url(project)}{a['id']}/"
    moved = api.patch(url, {"x": 300.5, "y": -20, "name": "host1"}, format="json").json()
    assert (moved["x"], moved["y"], moved["name"]) == (300.5, -20, "host1")
    assert moved["ports"][1]["link"] is not None
    response = api.patch(url, {"adapters": 1}, format="json")
    assert response.status_code == 400 and "eth1" in str(response.json()["adapters"])
    response = api.patch(url, {"template": str(templates["bridge"].id)}, format="json")
    assert response.status_code == 400 and "template" in response.json()


def test_delete_node_deletes_its_links(api, project, templates):
    a = create_node(api, project, templates["busybox"], "pc1")
    b = create_node(api, project, templates["busybox"], "pc2")
    create_link(api, project, a, b)
    assert api.delete(f"{nodes_url(project)}{a['id']}/").status_code == 204
    assert api.get(f"/api/projects/{project['id']}/links/").json() == []
    assert api.get(f"{nodes_url(project)}{b['id']}/").json()["ports"][0]["link"] is None


def test_exec_on_stopped_node_is_400(api, project, templates):
    a = create_node(api, project, templates["busybox"], "pc1")
    response = api.post(f"{nodes_url(project)}{a['id']}/exec/", {"command": "true"}, format="json")
    assert response.status_code == 400 and "start it first" in str(response.json())
    response = api.post(f"{nodes_url(project)}{a['id']}/exec/", {"timeout": 5}, format="json")
    assert response.status_code == 400 and "command" in response.json()
