"""What the engine finds on the host by its labels, and sweeping away what no project owns.

Division of labour: the database says what should exist; this module says what does — every
container labelled `webgns.project`/`webgns.node` and every OVS bridge whose external_ids carry
the same ids — so the reconcile task can fix statuses after a worker or host restart, and
`remove_project`/`remove_orphans` can delete a project's things without the database's help.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor

from webgns.compute import ovs_switch, parking
from webgns.compute.docker_nodes import DockerNodes
from webgns.compute.errors import OvsUnavailable
from webgns.compute.labels import KIND_LABEL, NODE_LABEL, PROJECT_LABEL
from webgns.compute.specs import DOCKER, OVS, ObservedNode

log = logging.getLogger(__name__)

REMOVAL_PARALLELISM = 8


def labelled_nodes(nodes: DockerNodes, host: str | None = None) -> dict[str, ObservedNode]:
    """Every node any lab left on this host (compute host `host`'s OVS bridges), by node id, running or not."""
    found: dict[str, ObservedNode] = {}
    for container in nodes.labelled():
        labels = container["Labels"]
        if NODE_LABEL not in labels:
            continue
        found[labels[NODE_LABEL]] = ObservedNode(
            node_id=labels[NODE_LABEL],
            project_id=labels[PROJECT_LABEL],
            kind=labels.get(KIND_LABEL, DOCKER),
            running=container["State"] == "running",
            container_id=container["Id"],
            paused=container["State"] == "paused",
        )
    for bridge in _ovs_bridges(host=host):
        if nodes.instance and bridge.instance != nodes.instance:
            continue
        found[bridge.node_id] = ObservedNode(
            node_id=bridge.node_id, project_id=bridge.project_id, kind=OVS, running=True
        )
    return found


def remove_project(nodes: DockerNodes, project_id: str, host: str | None = None) -> list[str]:
    """Remove every container and OVS bridge (compute host `host`'s, with its host ports) of a
    project; returns what went."""
    removed: list[str] = []
    containers = [c for c in nodes.labelled() if c["Labels"].get(PROJECT_LABEL) == project_id]
    with ThreadPoolExecutor(max_workers=REMOVAL_PARALLELISM, thread_name_prefix="webgns-remove") as pool:
        list(pool.map(lambda c: nodes.remove_container(c["Id"]), containers))
    removed += [f"container {c['Names'][0].lstrip('/')}" for c in containers]
    for bridge in _ovs_bridges(project_id, host):
        ovs_switch.delete_bridge(bridge.name)
        removed.append(f"ovs bridge {bridge.name}")
    if parking.remove_parking(project_id):
        removed.append(f"netns {parking.parking_netns_name(project_id)}")
    return removed


def remove_orphans(
    nodes: DockerNodes, known_project_ids: Collection[str], only: Collection[str] | None = None,
    host: str | None = None,
) -> list[str]:
    """Remove the things of every project not in `known_project_ids` (within `only`, if given)."""
    known = set(known_project_ids)
    projects = {node.project_id for node in labelled_nodes(nodes, host).values()}
    orphans = sorted(p for p in projects - known if only is None or p in only)
    removed: list[str] = []
    for project_id in orphans:
        removed += remove_project(nodes, project_id, host)
    return removed


def _ovs_bridges(project_id: str | None = None, host: str | None = None) -> list[ovs_switch.OvsBridge]:
    try:
        return ovs_switch.find_bridges(project_id, host)
    except OvsUnavailable:
        return []  # no OVS on this host: there can be no OVS switch of ours either
