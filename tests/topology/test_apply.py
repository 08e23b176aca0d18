"""Apply on a stopped lab: the project converges to the document; a dry run lists the same changes."""

import pytest
import yaml

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import Link, Node, Operation

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(api, templates):
    project = create_project(api, "Apply")
    r1 = create_node(api, project, templates["busybox"], "r1", startup=["ip link set eth0 up"])
    r2 = create_node(api, project, templates["busybox"], "r2")
    r3 = create_node(api, project, templates["busybox"], "r3")
    create_link(api, project, r1, r2, "eth0", "eth0")
    create_link(api, project, r2, r3, "eth1", "eth0", impairment={"delay_ms": 5})
    return project


def _yaml(api, project) -> dict:
    return yaml.safe_load(api.get(f"/api/projects/{project['id']}/export/?format=yaml").content)


def _apply(api, project, document: dict, query: str = ""):
    return api.post(f"/api/projects/{project['id']}/apply/{query}", yaml.safe_dump(document).encode(),
                    content_type="application/yaml")


def test_same_document_changes_nothing(api, project):
    response = _apply(api, project, _yaml(api, project), "?dry_run=1")
    assert response.status_code == 200 and response.json() == {"changes": []}


def test_apply_converges_nodes_links_and_impairments(api, project, templates):
    ids = {n.name: n.pk for n in Node.objects.all()}
    document = _yaml(api, project)
    document["nodes"]["r1"]["startup"] = ["ip link set eth0 up", "echo changed"]
    document["nodes"]["r2"]["position"] = {"x": 500, "y": 5}
    del document["nodes"]["r3"]
    document["nodes"]["r4"] = {"template": "busybox"}
    document["nodes"]["r5"] = {"template": "host"}
    document["links"] = [{"endpoints": ["r1:eth0", "r2:eth0"], "impairment": {"a_to_b": {"loss_pct": 1}}},
                         {"endpoints": ["r2:eth1", "r4:eth0"]}]
    dry = _apply(api, project, document, "?dry_run=1")
    assert dry.status_code == 200, dry.content
    changes = dry.json()["changes"]
    assert {"action": "update", "node": "r1", "fields": ["startup"], "restart": False} in changes
    assert {"action": "update", "node": "r2", "fields": ["x", "y"], "restart": False} in changes
    assert {"action": "delete", "node": "r3"} in changes
    assert {"action": "create", "node": "r4", "template": "busybox"} in changes
    assert {"action": "update", "link": "r1:eth0 — r2:eth0", "fields": ["impairment"]} in changes
    assert {"action": "create", "link": "r2:eth1 — r4:eth0"} in changes
    assert Node.objects.count() == 3  # a dry run changes nothing

    response = _apply(api, project, document)
    assert response.status_code == 202, response.content
    op = Operation.objects.get(pk=response.json()["operation"])
    assert op.kind == "project.apply" and op.targets == []  # a stopped lab starts nothing
    # Unchanged and changed nodes keep their identity (a running one keeps its container).
    assert Node.objects.get(name="r1").pk == ids["r1"] and Node.objects.get(name="r2").pk == ids["r2"]
    after = _yaml(api, project)
    assert after["nodes"] == document["nodes"] | {
        "r4": after["nodes"]["r4"], "r5": after["nodes"]["r5"]}
    assert list(after["nodes"]) == ["r1", "r2", "r4", "r5"]
    assert [lk["endpoints"] for lk in after["links"]] == [["r1:eth0", "r2:eth0"], ["r2:eth1", "r4:eth0"]]
    assert Link.objects.get(a_port="eth0", b_node__name="r2").impairment == {"a_to_b": {"loss_pct": 1}, "b_to_a": {}}
    assert _apply(api, project, after, "?dry_run=1").json() == {"changes": []}


def test_changed_template_replaces_the_node(api, project):
    document = _yaml(api, project)
    document["nodes"]["r3"]["template"] = "host"
    changes = _apply(api, project, document, "?dry_run=1").json()["changes"]
    assert changes[0]["action"] == "replace" and changes[0]["node"] == "r3"
    assert {"action": "create", "link": "r2:eth1 — r3:eth0"} in changes
    assert _apply(api, project, document).status_code == 202
    assert Node.objects.get(name="r3").template.name == "host"
    assert Link.objects.filter(b_node__name="r3").count() == 1


def test_bad_document_is_a_400_and_changes_nothing(api, project):
    document = _yaml(api, project)
    document["links"].append({"endpoints": ["r1:eth0", "r3:eth3"]})  # r1:eth0 is taken
    response = _apply(api, project, document)
    assert response.status_code == 400 and "links[2]" in response.json()
    assert Node.objects.count() == 3 and Operation.objects.count() == 0


def test_apply_needs_change_rights(api, make_api, project):
    other = make_api("bob")
    response = other.post(f"/api/projects/{project['id']}/apply/", b"format: webgns-topology",
                          content_type="application/yaml")
    assert response.status_code == 404


def test_apply_to_a_running_lab_respects_the_running_nodes_limit(api, project, settings):
    from webgns.labs.choices import NodeStatus
    from webgns.labs.models import UserLimits

    # The lab "runs" (as a worker would have recorded it); the owner may run 3 nodes at once.
    Node.objects.update(status=NodeStatus.STARTED)
    UserLimits.objects.create(user=api.user, running_nodes=3)
    document = _yaml(api, project)
    document["nodes"]["r4"] = {"template": "busybox"}
    response = _apply(api, project, document)
    assert response.status_code == 400, response.content
    assert "running_nodes" in response.json()
    assert not Node.objects.filter(name="r4").exists()  # all or nothing
    # Changing a running node restarts it: no new node runs, so the limit lets it through.
    document = _yaml(api, project)
    document["nodes"]["r2"]["startup"] = ["echo changed"]
    response = _apply(api, project, document)
    assert response.status_code == 202, response.content
    assert Operation.objects.get(pk=response.json()["operation"]).targets == [str(Node.objects.get(name="r2").pk)]
