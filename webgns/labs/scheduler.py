"""The scheduler: which compute host a new node goes to, by the hosts' heartbeats and what they run.

Division of labour: the policy is `webgns.placement` (pure, tested alone); this module feeds it
from the database — each host's status and capacity (written by its heartbeat) and the memory
its running nodes reserve — and writes the answer on the nodes. The API calls it when a node is
created (one node: it joins its lab's host while that has room) and when a project is imported
or copied for a student (the whole lab: one host if it fits, so a class spreads over the hosts).

Before any worker has reported (no ComputeHost rows), or when no host is up, nodes go to this
tier's WEBGNS_COMPUTE_HOST: designing a lab needs no worker, and Start says why it cannot run.
Nor does it need room: a lab larger than the hosts offer is placed on the roomiest up host.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from webgns.labs.choices import NodeStatus
from webgns.labs.models import ComputeHost, Node, Project
from webgns.placement import HostLoad, NodeDemand, PlacementFailed, place

__all__ = ["PlacementFailed", "host_loads", "memory_of", "place_nodes"]

UNREPORTED_MEMORY_MB = 1 << 30


def memory_of(node: Node) -> int:
    """What a node counts for when placed: its container's memory limit (one without a limit, as
    much as the server's default)."""
    return node.memory_limit_mb or settings.WEBGNS_NODE_MEMORY_MB


def _reserved() -> dict[str, tuple[int, int]]:
    """Host -> (memory reserved, node count) of the nodes that are not stopped."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    running = Node.objects.exclude(status=NodeStatus.STOPPED).select_related("template").only(
        "compute_host", "memory_mb", "template__memory_mb")
    for node in running:
        totals[node.compute_host][0] += memory_of(node)
        totals[node.compute_host][1] += 1
    return {host: (memory, count) for host, (memory, count) in totals.items()}


def host_loads(hosts: Iterable[ComputeHost] | None = None) -> list[HostLoad]:
    now = timezone.now()
    reserved = _reserved()
    loads = []
    for host in hosts if hosts is not None else ComputeHost.objects.order_by("name"):
        memory, count = reserved.get(host.name, (0, 0))
        # A host that has not reported its capacity yet is not refused (as for its capabilities).
        offered = int(host.capacity.get("node_memory_mb", UNREPORTED_MEMORY_MB))
        loads.append(HostLoad(host.name, host.is_up(now), offered,
                              int(host.capacity.get("max_nodes", settings.WEBGNS_HOST_MAX_NODES)),
                              used_memory_mb=memory, nodes=count))
    return loads


def place_nodes(nodes: list[Node], project: Project | None = None, pinned: dict[int, str] | None = None) -> None:
    """Set `compute_host` on each (unsaved) node. `pinned`: index in `nodes` -> host staff chose.
    A project that already has nodes keeps new ones on its hosts while they have room."""
    pinned = pinned or {}
    loads = host_loads()
    if not any(load.up for load in loads) and not pinned:
        for node in nodes:
            node.compute_host = settings.WEBGNS_COMPUTE_HOST
        return
    prefer: tuple[str, ...] = ()
    if project is not None and project.pk is not None:
        prefer = tuple(Node.objects.filter(project=project).values_list("compute_host", flat=True)
                       .order_by("compute_host").distinct())
    demands = [NodeDemand(str(i), memory_of(node), pinned.get(i)) for i, node in enumerate(nodes)]
    try:
        chosen = place(demands, loads, prefer=prefer).hosts
    except PlacementFailed:
        # More than the hosts offer: a design still gets made (nothing runs yet, and a lab of
        # 2000 stopped nodes is a fine thing to draw); pins stand, the rest go to the up host with
        # the most room (its own lab's first), and Start is where capacity bites.
        chosen = {str(i): pinned.get(i) or _roomiest(loads, prefer) for i in range(len(nodes))}
    for i, node in enumerate(nodes):
        node.compute_host = chosen[str(i)]


def _roomiest(loads: list[HostLoad], prefer: tuple[str, ...]) -> str:
    up = [load for load in loads if load.up]
    preferred = [load for load in up if load.name in prefer]
    return max(preferred or up, key=lambda load: (load.free_memory_mb, load.name)).name
