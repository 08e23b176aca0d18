"""Links: endpoints, the one-link-per-port rule, and impairment validation per field and direction."""

import pytest

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import ComputeHost

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(api, templates):
    project = create_project(api)
    nodes = [create_node(api, project, templates["busybox"], f"pc{i}") for i in (1, 2, 3)]
    return project, nodes


def links_url(project: dict) -> str:
    return f"/api/projects/{project['id']}/links/"


def test_create_link(api, lab):
    project, (a, b, _) = lab
    link = create_link(api, project, a, b)
    assert link["a"] == {"node": a["id"], "port": "eth0"} and link["b"] == {"node": b["id"], "port": "eth0"}
    assert link["status"] == "down"
    assert link["impairment"] == {"a_to_b": {}, "b_to_a": {}}


def test_next_free_port_when_port_omitted(api, lab):
    project, (a, b, c) = lab
    create_link(api, project, a, b)
    link = create_link(api, project, a, c, a_port=None, b_port=None)
    assert link["a"]["port"] == "eth1" and link["b"]["port"] == "eth0"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda body, n: body["b"].update(node=n[0]["id"]), "b"),  # self-link
        (lambda body, n: body["a"].update(node="00000000-0000-0000-0000-000000000000"), "a"),
        (lambda body, n: body["a"].update(node="not-a-uuid"), "a"),
        (lambda body, n: body["a"].update(port="eth9"), "a"),
        (lambda body, n: body.pop("b"), "b"),
    ],
)
def test_bad_link_input(api, lab, mutate, field):
    project, nodes = lab
    body = {"a": {"node": nodes[0]["id"], "port": "eth0"}, "b": {"node": nodes[1]["id"], "port": "eth0"}}
    mutate(body, nodes)
    response = api.post(links_url(project), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_port_carries_one_link(api, lab):
    project, (a, b, c) = lab
    create_link(api, project, a, b)
    # The same pair again, the same port from the other side, and a busy port to a third node.
    for body in (
        {"a": {"node": a["id"], "port": "eth0"}, "b": {"node": b["id"], "port": "eth0"}},
        {"a": {"node": b["id"], "port": "eth0"}, "b": {"node": a["id"], "port": "eth0"}},
        {"a": {"node": c["id"], "port": "eth0"}, "b": {"node": a["id"], "port": "eth0"}},
    ):
        response = api.post(links_url(project), body, format="json")
        assert response.status_code == 400, body
        assert "already carries a link" in str(response.json())
    assert len(api.get(links_url(project)).json()) == 1


def test_node_of_another_project_refused(api, lab, templates):
    project, (a, _, _) = lab
    other = create_node(api, create_project(api, "other"), templates["busybox"], "x1")
    body = {"a": {"node": a["id"], "port": "eth0"}, "b": {"node": other["id"], "port": "eth0"}}
    response = api.post(links_url(project), body, format="json")
    assert response.status_code == 400 and "b" in response.json()


def test_impairment_per_direction_and_replace(api, lab):
    project, (a, b, _) = lab
    link = create_link(api, project, a, b, impairment={"delay_ms": 10, "b_to_a": {"delay_ms": 30, "loss_pct": 1.5}})
    assert link["impairment"] == {"a_to_b": {"delay_ms": 10}, "b_to_a": {"delay_ms": 30, "loss_pct": 1.5}}
    url = f"{links_url(project)}{link['id']}/"
    changed = api.patch(url, {"impairment": {"a_to_b": {"rate_kbps": 1000}}}, format="json").json()
    assert changed["impairment"] == {"a_to_b": {"rate_kbps": 1000}, "b_to_a": {}}
    cleared = api.patch(url, {"impairment": {}}, format="json").json()
    assert cleared["impairment"] == {"a_to_b": {}, "b_to_a": {}}
    assert api.patch(url, {"impairment": {"rate_kbps": 0}}, format="json").json()["impairment"]["a_to_b"] == {}


@pytest.mark.parametrize(
    ("impairment", "field"),
    [
        ({"delay_ms": -1}, "delay_ms"),
        ({"delay_ms": 60001}, "delay_ms"),
        ({"delay_ms": 10, "jitter_ms": 60001}, "jitter_ms"),
        ({"loss_pct": 100.1}, "loss_pct"),
        ({"corrupt_pct": -0.1}, "corrupt_pct"),
        ({"duplicate_pct": 101}, "duplicate_pct"),
        ({"delay_ms": 5, "reorder_pct": 200}, "reorder_pct"),
        ({"rate_kbps": 7}, "rate_kbps"),
        ({"rate_kbps": 10.5}, "rate_kbps"),
        ({"delay_ms": "ten"}, "delay_ms"),
        ({"delay_ms": True}, "delay_ms"),
        ({"jitter_ms": 5}, "jitter_ms"),
        ({"reorder_pct": 5}, "reorder_pct"),
        ({"bandwidth": 5}, "bandwidth"),
        ({"a_to_b": {"latency": 5}}, "latency"),
        ({"a_to_b": 5}, "a_to_b"),
    ],
)
def test_impairment_out_of_range(api, lab, impairment, field):
    project, (a, b, _) = lab
    link = create_link(api, project, a, b)
    response = api.patch(f"{links_url(project)}{link['id']}/", {"impairment": impairment}, format="json")
    assert response.status_code == 400, response.content
    assert field in str(response.json())
    # Nothing was stored.
    assert api.get(f"{links_url(project)}{link['id']}/").json()["impairment"] == {"a_to_b": {}, "b_to_a": {}}


def test_netem_fields_refused_when_host_lacks_netem(api, lab):
    ComputeHost.objects.create(name="local", capabilities={"netem": False, "tbf": True, "reasons": {
        "netem": "the kernel has no sch_netem module"}})
    project, (a, b, _) = lab
    link = create_link(api, project, a, b)
    url = f"{links_url(project)}{link['id']}/"
    response = api.patch(url, {"impairment": {"delay_ms": 10}}, format="json")
    assert response.status_code == 400
    message = response.json()["impairment"][0]
    assert "netem" in message and "'local'" in message and "delay_ms" in message
    # Rate alone still works through tbf.
    assert api.patch(url, {"impairment": {"rate_kbps": 512}}, format="json").status_code == 200


def test_link_endpoints_cannot_change(api, lab):
    project, (a, b, c) = lab
    link = create_link(api, project, a, b)
    response = api.patch(f"{links_url(project)}{link['id']}/", {"b": {"node": c["id"], "port": "eth0"}},
                         format="json")
    assert response.status_code == 400
    assert api.put(f"{links_url(project)}{link['id']}/", {}, format="json").status_code == 405
