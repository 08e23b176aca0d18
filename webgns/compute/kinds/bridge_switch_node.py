"""Bridge switches: a container whose namespace holds a Linux bridge (`br0`) that every port joins.

Division of labour: the container's lifecycle is `ContainerNode`'s; this kind adds the fabric on
start (`bridge_switch.ensure_switch_fabric`), makes its link ends members of the bridge, and says
which VLANs each port carries (`bridge_switch.ensure_port_vlans`, applied by `lab.py` once the
port is enslaved, and here on a running switch when its `vlans` change).
"""

from __future__ import annotations

from webgns.compute.bridge_switch import ensure_port_vlans, ensure_switch_fabric
from webgns.compute.kinds.base import PlacedEnd
from webgns.compute.kinds.container import ContainerNode
from webgns.compute.labels import SWITCH_BRIDGE_NAME
from webgns.compute.namespaces import netns_path, open_iproute
from webgns.compute.specs import LinkSpec, NodeSpec, NodeState


class BridgeSwitchNode(ContainerNode):
    def start(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        state = super().start(node, known, listed)
        ensure_switch_fabric(netns_path(state.pid), vlan_filtering=bool(node.vlans))
        return state

    def master_of(self, node: NodeSpec) -> str | None:
        return SWITCH_BRIDGE_NAME

    def link_end(self, node: NodeSpec, link: LinkSpec, index: int, cache: dict) -> PlacedEnd:
        placed = super().link_end(node, link, index, cache)
        # Once per call: a switch restarted behind webgns's back comes up without its bridge.
        fabric = ("fabric", node.id)
        if fabric not in cache:
            cache[fabric] = ensure_switch_fabric(placed.end.netns, vlan_filtering=bool(node.vlans))
        if not node.vlans:
            return placed
        endpoint = (link.a, link.b)[index]
        return PlacedEnd(placed.end, impairment=placed.impairment, vlan=node.vlans.get(endpoint.port),
                         bridge_vlans=True)  # fmt: skip

    def apply_vlans(self, node: NodeSpec, links: list[LinkSpec]) -> None:
        netns = self.nodes.running_netns(node)
        if netns is None:
            return  # a stopped switch gets its VLANs on its next start
        ensure_switch_fabric(netns, vlan_filtering=bool(node.vlans))
        if not node.vlans:
            return  # filtering off: every port carries every frame again; entries left are inert
        with open_iproute(netns) as ipr:
            for link in links:
                for endpoint in (link.a, link.b):
                    if endpoint.node_id == node.id:
                        ensure_port_vlans(ipr, endpoint.port, node.vlans.get(endpoint.port), netns)
