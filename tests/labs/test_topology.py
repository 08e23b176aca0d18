"""Export/import: a versioned JSON document that round-trips exactly, and all-or-nothing import."""

import pytest

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(api, templates):
    project = create_project(api, "Campus")
    r1 = create_node(api, project, templates["busybox"], "r1",
                     startup=["ip link set eth0 up", "ip addr add 10.0.0.1/24 dev eth0"], environment={"ROLE": "r"})
    sw = create_node(api, project, templates["bridge"], "sw1")
    ovs = create_node(api, project, templates["ovs"], "core", openflow_controller="tcp:10.0.0.1:6653")
    create_link(api, project, r1, sw, "eth0", "eth3", impairment={"rate_kbps": 2000, "b_to_a": {"delay_ms": 5}})
    create_link(api, project, sw, ovs, "eth0", "eth0")
    return project


def test_round_trip(api, project):
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    assert exported["format"] == "webgns-topology" and exported["version"] == 1
    assert {n["name"] for n in exported["nodes"]} == {"r1", "sw1", "core"}
    response = api.post("/api/projects/import/", exported, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    # Beside its original, the import is named as a copy (two rows reading "Campus" told nothing apart).
    assert copy["id"] != project["id"] and copy["name"] == "Campus (copy)"
    assert api.get(f"/api/projects/{copy['id']}/export/").json() == {**exported, "name": "Campus (copy)"}


def test_import_with_new_name(api, project):
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    assert api.post("/api/projects/import/?name=Copy", exported, format="json").json()["name"] == "Copy"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.update(format="gns3"), "format"),
        (lambda d: d["nodes"][0].update(template="nope"), "nodes[0].template"),
        (lambda d: d["nodes"][1].update(name="r1"), "nodes[1]"),
        (lambda d: d["links"][0]["a"].update(node="ghost"), "links[0].a"),
        (lambda d: d["links"][1]["a"].update(port="eth3", node="sw1"), "links[1]"),
        (lambda d: d["links"][0].update(impairment={"loss_pct": 500}), "links[0]"),
    ],
)
def test_bad_import_creates_nothing(api, project, mutate, field):
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    mutate(exported)
    before = Project.objects.count()
    response = api.post("/api/projects/import/", exported, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Project.objects.count() == before


def test_import_not_an_object(api):
    assert api.post("/api/projects/import/", [1, 2], format="json").status_code == 400
