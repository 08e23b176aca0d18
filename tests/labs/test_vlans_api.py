"""Switch-port VLANs through the API: which kinds carry them, and the compute host's say for bridges.

A bridge switch's VLANs need the kernel's bridge VLAN filtering, which a worker probes and records
in ComputeHost.capabilities; the API refuses them (400 naming `vlans`, with the reason) where the
node's host lacks it and accepts them where it has it. What the kernel then does is tested in
tests/kernel/test_bridge_vlans.py.
"""

import dataclasses

import pytest

from tests.labs.factories import create_node, create_project
from webgns.compute.capabilities import detect_capabilities
from webgns.labs.models import ComputeHost, Node

pytestmark = pytest.mark.django_db

VLANS = {"eth0": {"access": 10}, "eth1": {"trunk": [10, 20]}}
LACKS = {"bridge_vlan_filtering": False, "reasons": {"bridge_vlan_filtering": (
    "VLANs on bridge switches need the kernel's bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), which "
    "this host's kernel (6.18.44) lacks (vlan_filtering refused: Operation not supported); use an ovs switch")}}


def nodes_url(project: dict) -> str:
    return f"/api/projects/{project['id']}/nodes/"


def post_switch(api, project, template, name="sw", vlans=VLANS):
    return api.post(nodes_url(project), {"name": name, "template": str(template.id), "adapters": 3,
                                         "vlans": vlans}, format="json")  # fmt: skip


def test_bridge_vlans_refused_where_the_host_lacks_vlan_filtering(api, templates):
    ComputeHost.objects.create(name="local", capabilities=LACKS)
    project = create_project(api)
    response = post_switch(api, project, templates["bridge"])
    assert response.status_code == 400, response.content
    message = response.json()["vlans"][0]
    assert "CONFIG_BRIDGE_VLAN_FILTERING" in message and "'local'" in message and "ovs switch" in message
    assert not Node.objects.exists()  # nothing stored

    # A bridge already in the lab cannot be given VLANs either; clearing them is always fine.
    node = create_node(api, project, templates["bridge"], "br", adapters=3)
    url = f"{nodes_url(project)}{node['id']}/"
    patched = api.patch(url, {"vlans": VLANS}, format="json")
    assert patched.status_code == 400 and "CONFIG_BRIDGE_VLAN_FILTERING" in patched.json()["vlans"][0]
    assert api.patch(url, {"vlans": {}}, format="json").status_code == 200
    # ovs switches do their VLANs themselves: the bridge capability does not matter to them.
    assert post_switch(api, project, templates["ovs"], "ovs").status_code == 201


def test_bridge_vlans_accepted_where_the_host_has_vlan_filtering(api, templates):
    ComputeHost.objects.create(name="local", capabilities={"bridge_vlan_filtering": True, "reasons": {}})
    project = create_project(api)
    response = post_switch(api, project, templates["bridge"])
    assert response.status_code == 201, response.content
    assert response.json()["vlans"] == VLANS
    url = f"{nodes_url(project)}{response.json()['id']}/"
    moved = {**VLANS, "eth0": {"access": 30}}
    assert api.patch(url, {"vlans": moved}, format="json").json()["vlans"] == moved
    # The port rules still hold for bridges.
    bad = api.patch(url, {"vlans": {"eth9": {"access": 10}}}, format="json")
    assert bad.status_code == 400 and "vlans" in bad.json()


def test_a_worker_from_before_the_probe_is_refused_with_a_clear_reason(api, templates):
    ComputeHost.objects.create(name="local", capabilities={"netem": True, "reasons": {}})
    response = post_switch(api, create_project(api), templates["bridge"])
    assert response.status_code == 400
    assert "CONFIG_BRIDGE_VLAN_FILTERING" in response.json()["vlans"][0]


def test_only_switches_carry_vlans(api, templates):
    response = post_switch(api, create_project(api), templates["busybox"], "h1", {"eth0": {"access": 10}})
    assert response.status_code == 400 and "switch ports" in response.json()["vlans"][0]


def test_import_of_a_bridge_with_vlans_is_refused_where_the_host_lacks_it(api, templates):
    ComputeHost.objects.create(name="local", capabilities={"bridge_vlan_filtering": True, "reasons": {}})
    project = create_project(api, "source")
    post_switch(api, project, templates["bridge"])
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    ComputeHost.objects.filter(name="local").update(capabilities=LACKS)
    response = api.post("/api/projects/import/?name=Copy", exported, format="json")
    assert response.status_code == 400
    assert "CONFIG_BRIDGE_VLAN_FILTERING" in str(response.json())


def test_the_answer_follows_what_this_hosts_kernel_really_can(api, templates):
    # The worker's own probe, recorded as the worker records it: refused or accepted accordingly.
    found = dataclasses.asdict(detect_capabilities())
    ComputeHost.objects.create(name="local", capabilities=found)
    response = post_switch(api, create_project(api), templates["bridge"])
    if found["bridge_vlan_filtering"]:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400
        assert response.json()["vlans"] == [f"{found['reasons']['bridge_vlan_filtering']} (compute host 'local')."]
