"""Removing a project (or an orphaned one) leaves nothing of it on the host."""

from __future__ import annotations

import pytest

from webgns.compute import ovs_switch
from webgns.compute.labels import ALIAS_PREFIX, PROJECT_LABEL, link_alias
from webgns.compute.namespaces import open_iproute
from webgns.compute.specs import OVS

pytestmark = pytest.mark.integration


def _host_link_aliases() -> set[str]:
    with open_iproute(None) as ipr:
        return {
            alias for link in ipr.get_links() if (alias := link.get_attr("IFLA_IFALIAS") or "").startswith(ALIAS_PREFIX)
        }


def _leftovers(docker_client, lab) -> dict[str, object]:
    containers = docker_client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={lab.project_id}"})
    aliases = _host_link_aliases() & {link_alias(link_id) for link_id in lab.links}
    bridges = ovs_switch.find_bridges(lab.project_id)
    return {"containers": containers, "host interfaces": aliases, "ovs bridges": bridges}


def _full_lab(lab):
    ovs = lab.switch("core", kind=OVS)
    bridge = lab.switch("edge")
    a, b, c = lab.node("a"), lab.node("b"), lab.node("c", ports=2)
    lab.start()
    lab.link(a, "eth0", ovs, "eth0")
    lab.link(b, "eth0", bridge, "eth0")
    lab.link(c, "eth0", ovs, "eth1")
    lab.link(c, "eth1", bridge, "eth1")
    lab.plumb()


def test_remove_project_leaves_no_container_interface_or_ovs_bridge(lab, docker_client, ovs_running):
    _full_lab(lab)
    before = _leftovers(docker_client, lab)
    assert before["containers"] and before["host interfaces"] and before["ovs bridges"]
    lab.engine.remove_project(lab.project_id)
    assert _leftovers(docker_client, lab) == {"containers": [], "host interfaces": set(), "ovs bridges": []}
    lab.engine.remove_project(lab.project_id)  # idempotent


def test_remove_orphans_removes_only_unknown_projects(engine, docker_client, ovs_running):
    from tests.compute.conftest import LabBuilder

    orphan, kept = LabBuilder(engine), LabBuilder(engine)
    try:
        _full_lab(orphan)
        kept.node("survivor")
        kept.start()
        removed = engine.remove_orphans({kept.project_id}, only={orphan.project_id, kept.project_id})
        assert any(item.startswith("container ") for item in removed)
        assert any(item.startswith("ovs bridge ") for item in removed)
        assert _leftovers(docker_client, orphan) == {"containers": [], "host interfaces": set(), "ovs bridges": []}
        assert _leftovers(docker_client, kept)["containers"]
        assert engine.remove_orphans({kept.project_id}, only={orphan.project_id, kept.project_id}) == []
    finally:
        engine.remove_project(orphan.project_id)
        engine.remove_project(kept.project_id)


def test_remove_node_and_remove_link_are_idempotent(lab, ovs_running):
    ovs = lab.switch("core", kind=OVS)
    a = lab.node("a")
    lab.start()
    link = lab.link(a, "eth0", ovs, "eth0")
    lab.plumb()
    lab.engine.remove_node(ovs)
    lab.engine.remove_node(ovs)
    assert link_alias(link.id) not in _host_link_aliases()
    lab.engine.remove_link(link, lab.nodes)
    lab.engine.remove_node(a)
    lab.engine.remove_node(a)
    assert lab.engine.node_state(a).status == "stopped"


def test_an_instance_sweeps_only_the_orphans_it_made(docker_client, ovs_running):
    """Two installations on one host (a `make run` and a test run): neither takes the other's labs
    for orphans, though neither database knows the other's projects."""
    from tests.compute.conftest import LabBuilder
    from webgns.compute.lab import LabEngine

    mine_engine, theirs_engine = (
        LabEngine(docker_client, instance="test-mine"),
        LabEngine(docker_client, instance="test-theirs"),
    )
    mine, theirs = LabBuilder(mine_engine), LabBuilder(theirs_engine)
    try:
        for builder in (mine, theirs):
            builder.switch("core", kind=OVS)
            builder.node("pc")
            builder.start()
        removed = mine_engine.remove_orphans(known_project_ids=set())
        assert _leftovers(docker_client, mine) == {"containers": [], "host interfaces": set(), "ovs bridges": []}
        assert any(item.startswith("ovs bridge ") for item in removed)
        left = _leftovers(docker_client, theirs)
        assert left["containers"] and left["ovs bridges"]
        assert mine.project_id not in {n.project_id for n in theirs_engine.observe().values()}
    finally:
        mine_engine.remove_project(mine.project_id)
        theirs_engine.remove_project(theirs.project_id)
