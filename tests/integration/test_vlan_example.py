"""The VLAN example through the API and a real worker: two OVS switches, a trunk, access ports.

Same-VLAN hosts ping across the trunk, different-VLAN hosts (same subnet) cannot, the trunk
carries both VLANs tagged, and a PATCH of `vlans` on the running lab moves a port at once.
"""

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import (
    instantiate_example,
    needs_images,
    pings,
    run,
    start_lab,
)

pytestmark = pytest.mark.integration


def test_vlans_isolate_and_the_trunk_carries_both(api, lab_project, templates, docker_client):
    needs_images(docker_client, "webgns/host:latest")
    project, nodes = instantiate_example(api, lab_project, "vlans-trunk", "vlans")
    assert nodes["sw1"]["vlans"]["eth0"] == {"trunk": [10, 20]}
    start_lab(api, project, list(nodes.values()))

    wait_for(lambda: pings(api, project, nodes["a1"], "10.0.0.12"), 30, what="a1 to reach a2 over VLAN 10")
    wait_for(lambda: pings(api, project, nodes["b1"], "10.0.0.22"), 30, what="b1 to reach b2 over VLAN 20")
    for src, dst in (("a1", "10.0.0.21"), ("a1", "10.0.0.22"), ("b2", "10.0.0.12")):
        assert not pings(api, project, nodes[src], dst), f"{src} must not reach {dst} in another VLAN"

    # Move b1 into VLAN 10 on the running lab: it now reaches a1 and no longer b2.
    url = f"/api/projects/{project['id']}/nodes/{nodes['sw1']['id']}/"
    vlans = {**nodes["sw1"]["vlans"], "eth2": {"access": 10}}
    assert api.patch(url, {"vlans": vlans}, format="json").status_code == 200
    wait_for(lambda: pings(api, project, nodes["b1"], "10.0.0.11"), 30, what="b1 to reach a1 after the PATCH")
    assert not pings(api, project, nodes["b1"], "10.0.0.22")
    assert run(api, project, nodes["a1"], "true")["exit_code"] == 0

    document = api.get(f"/api/projects/{project['id']}/export/").json()
    sw1 = next(n for n in document["nodes"] if n["name"] == "sw1")
    assert sw1["vlans"]["eth2"] == {"access": 10}


def test_bridge_vlans_follow_the_hosts_capability_and_are_checked(api, lab_project, templates):
    from webgns.tasks.reconcile import record_capabilities

    caps = record_capabilities()  # what the worker records: this host's kernel, really probed
    project = lab_project("vlan-rules")
    base = f"/api/projects/{project['id']}/nodes/"
    bridge = api.post(base, {"name": "br", "template": str(templates["bridge"].id),
                             "vlans": {"eth0": {"access": 10}}}, format="json")
    if caps["bridge_vlan_filtering"]:
        assert bridge.status_code == 201, bridge.content
    else:  # this host's kernel (CONFIG_BRIDGE_VLAN_FILTERING off): refused, saying why and what to use
        assert bridge.status_code == 400
        assert "CONFIG_BRIDGE_VLAN_FILTERING" in bridge.json()["vlans"][0] and "ovs" in bridge.json()["vlans"][0]
    for bad in ({"eth99": {"access": 10}}, {"eth0": {"access": 5000}}, {"eth0": {"trunk": []}},
                {"eth0": {"access": 10, "trunk": [20]}}, {"eth0": 10}):
        response = api.post(base, {"name": "sw", "template": str(templates["ovs"].id), "vlans": bad}, format="json")
        assert response.status_code == 400 and "vlans" in response.json(), bad
