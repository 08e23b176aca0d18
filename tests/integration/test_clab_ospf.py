"""A containerlab topology (FRR routers and linux hosts, as containerlab's own examples are laid out)
imported, started by a real worker, OSPF reaching Full; then apply on the running lab restarts only
the node that changed."""

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import needs_images, pings, run, start, wait_operation, wait_status
from tests.integration.test_ospf_example import full_neighbours
from tests.topology.clab import folder_tar, import_url

pytestmark = pytest.mark.integration


def _started_at(docker_client, project_id: str, node_id: str) -> str:
    [container] = docker_client.containers.list(filters={"label": f"webgns.node={node_id}"})
    return container.attrs["State"]["StartedAt"]


def test_clab_frr_lab_runs_ospf_and_follows_apply(api, lab_project, templates, docker_client):
    needs_images(docker_client, "webgns/frr:latest", "webgns/host:latest")
    response = api.post(import_url(), folder_tar(), content_type="application/gzip")
    assert response.status_code == 201, response.content
    project = response.json()
    lab_project.adopt(project["id"])
    nodes = {n["name"]: n for n in api.get(f"/api/projects/{project['id']}/nodes/").json()}

    op = wait_operation(api, start(api, project), timeout=180)
    assert op["status"] == "done", op
    wait_status(api, project, list(nodes.values()), "started")
    routers = [nodes["r1"], nodes["r2"]]
    wait_for(lambda: all(full_neighbours(api, project, r) == 1 for r in routers), 60, interval=0.5,
             what="the r1–r2 OSPF adjacency to be Full")
    wait_for(lambda: pings(api, project, nodes["PC1"], "192.168.2.10"), 30, what="PC1 to reach PC2 through OSPF")

    # Apply a changed topology to the running lab: PC2 moves to another address (its startup lines
    # change, so it restarts); the routers and PC1 did not change and keep running untouched.
    before = {name: _started_at(docker_client, project["id"], n["id"]) for name, n in nodes.items()}
    changed = folder_tar(replace={"192.168.2.10/24": "192.168.2.20/24"})
    query = import_url().split("?", 1)[1]  # the same map
    dry = api.post(f"/api/projects/{project['id']}/apply/?dry_run=1&{query}", changed, content_type="application/gzip")
    assert dry.status_code == 200, dry.content
    assert dry.json()["changes"] == [{"action": "update", "node": "PC2", "fields": ["startup"], "restart": True}]
    applied = api.post(f"/api/projects/{project['id']}/apply/?{query}", changed, content_type="application/gzip")
    assert applied.status_code == 202, applied.content
    op = wait_operation(api, applied.json()["operation"], timeout=120)
    assert op["status"] == "done", op
    after = {name: _started_at(docker_client, project["id"], n["id"]) for name, n in nodes.items()}
    assert {name for name in nodes if after[name] != before[name]} == {"PC2"}
    wait_for(lambda: pings(api, project, nodes["PC1"], "192.168.2.20"), 30, what="PC1 to reach PC2's new address")
    assert run(api, project, nodes["r1"], "vtysh -c 'show ip ospf neighbor'")["exit_code"] == 0
