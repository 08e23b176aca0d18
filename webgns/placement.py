"""Where nodes run when there is more than one compute host: a small, pure placement policy.

Division of labour: the scheduler (`webgns.labs.scheduler`) gathers the hosts (status, capacity,
what they already run) and the nodes to place, calls `place`, and stores the chosen host on each
node; this module only decides, and imports neither Django nor the engine (the API and the engine
may both read it). The rule: a node pinned by staff goes to its host; a node added to a lab joins
the host its lab already uses when that host has room (`prefer`); the rest of a lab goes, whole,
to the host with the most free memory that can take all of it (so links stay local veths, not
VXLAN tunnels); a lab too large for any one host is split across hosts, most free memory first,
keeping nodes in the order given (neighbours in a chain stay together). Course copies are placed
one lab at a time, so a class spreads over the hosts by free memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PlacementFailed(RuntimeError):
    """No host can take a node; the message says which node and why."""


@dataclass
class HostLoad:
    name: str
    up: bool
    memory_mb: int  # what the host offers to lab nodes in all
    max_nodes: int
    used_memory_mb: int = 0
    nodes: int = 0

    @property
    def free_memory_mb(self) -> int:
        return self.memory_mb - self.used_memory_mb

    def fits(self, memory_mb: int, count: int = 1) -> bool:
        return self.up and self.free_memory_mb >= memory_mb and self.nodes + count <= self.max_nodes

    def take(self, memory_mb: int) -> None:
        self.used_memory_mb += memory_mb
        self.nodes += 1


@dataclass(frozen=True)
class NodeDemand:
    node: str  # an id
    memory_mb: int
    pinned: str | None = None


@dataclass
class Placement:
    hosts: dict[str, str] = field(default_factory=dict)  # node id -> host name

    def spans(self) -> set[str]:
        return set(self.hosts.values())


def place(nodes: list[NodeDemand], hosts: list[HostLoad], prefer: tuple[str, ...] = ()) -> Placement:
    """Choose a host for every node (the HostLoads are updated with what was placed). `prefer`:
    hosts the lab already uses, tried first, in that order, for the unpinned nodes."""
    by_name = {host.name: host for host in hosts}
    placement = Placement()
    free: list[NodeDemand] = []
    for demand in nodes:
        if demand.pinned is None:
            free.append(demand)
            continue
        host = by_name.get(demand.pinned)
        if host is None:
            raise PlacementFailed(f"node {demand.node} is pinned to unknown compute host {demand.pinned!r}")
        if not host.fits(demand.memory_mb):
            why = "is down" if not host.up else "has no room left"
            raise PlacementFailed(f"node {demand.node} is pinned to compute host {host.name!r}, which {why}")
        host.take(demand.memory_mb)
        placement.hosts[demand.node] = host.name
    if not free:
        return placement
    total = sum(d.memory_mb for d in free)
    whole = [h for h in hosts if h.fits(total, len(free))]
    home = [by_name[name] for name in prefer if by_name.get(name) in whole]
    if whole:
        host = home[0] if home else max(whole, key=lambda h: (h.free_memory_mb, -h.nodes, h.name))
        for demand in free:
            host.take(demand.memory_mb)
            placement.hosts[demand.node] = host.name
        return placement
    for demand in free:
        candidates = [h for h in hosts if h.fits(demand.memory_mb)]
        if not candidates:
            up = sum(1 for h in hosts if h.up)
            raise PlacementFailed(
                f"no compute host has room for node {demand.node} ({demand.memory_mb} MB; {up} of {len(hosts)} up)"
            )
        # Fill the roomiest host before opening another: fewer hosts, fewer tunnels.
        current = [h for h in candidates if h.name in placement.spans()]
        host = max(current or candidates, key=lambda h: (h.free_memory_mb, h.name))
        host.take(demand.memory_mb)
        placement.hosts[demand.node] = host.name
    return placement
