"""Container nodes: Docker hosts and FRR routers (a router is a container with FRR's image, files
and console shell, all of which come from its template; to the engine it is a container).

Division of labour: lifecycle through `DockerNodes`; link ends are the node's own ports inside its
network namespace. Bridge switches extend this kind (`bridge_switch_node.py`).
"""

from __future__ import annotations

from webgns.compute.docker_nodes import DockerNodes
from webgns.compute.kinds.base import NodeDown, NodeKind, PlacedEnd
from webgns.compute.links import LinkEnd, remove_veth
from webgns.compute.namespaces import NetlinkSessions, netns_path
from webgns.compute.specs import STARTED, LinkSpec, NodeSpec, NodeState


class ContainerNode(NodeKind):
    has_shell = True

    def __init__(self, nodes: DockerNodes) -> None:
        self.nodes = nodes

    def start(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        return self.nodes.ensure_running(node, known, listed)

    def stop(self, node: NodeSpec) -> NodeState:
        return self.nodes.stop(node)

    def remove(self, node: NodeSpec) -> None:
        self.nodes.remove(node)

    def state(self, node: NodeSpec) -> NodeState:
        return self.nodes.state(node)

    def master_of(self, node: NodeSpec) -> str | None:
        """The device in the node's namespace that its link ends are enslaved to (None: none)."""
        return None

    def link_end(self, node: NodeSpec, link: LinkSpec, index: int, cache: dict) -> PlacedEnd:
        if node.id not in cache:
            cache[node.id] = self.nodes.running_netns(node)
        netns = cache[node.id]
        if netns is None:
            raise NodeDown(f"node {node.name} is not running")
        endpoint = (link.a, link.b)[index]
        return PlacedEnd(LinkEnd(netns, endpoint.port, self.master_of(node)), impairment=link.impairment_of(index))

    def parked_end(self, node: NodeSpec, link: LinkSpec, index: int) -> LinkEnd | None:
        netns = self.nodes.running_netns(node)
        return None if netns is None else LinkEnd(netns, (link.a, link.b)[index].port)

    def remove_link_end(self, sessions: NetlinkSessions, node: NodeSpec, link: LinkSpec, index: int,
                        alias: str) -> None:
        state = self.nodes.state(node)
        if state.status == STARTED and state.pid:
            remove_veth(sessions, alias, LinkEnd(netns_path(state.pid), (link.a, link.b)[index].port))
