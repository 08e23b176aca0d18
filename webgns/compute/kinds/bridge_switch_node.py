"""Bridge switches: a container whose namespace holds a Linux bridge (`br0`) that every port joins.

Division of labour: the container's lifecycle is `ContainerNode`'s; this kind adds the fabric on
start (`bridge_switch.ensure_switch_fabric`) and makes its link ends members of the bridge.
"""

from __future__ import annotations

from webgns.compute.bridge_switch import ensure_switch_fabric
from webgns.compute.kinds.base import PlacedEnd
from webgns.compute.kinds.container import ContainerNode
from webgns.compute.labels import SWITCH_BRIDGE_NAME
from webgns.compute.namespaces import netns_path
from webgns.compute.specs import LinkSpec, NodeSpec, NodeState


class BridgeSwitchNode(ContainerNode):
    def start(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        state = super().start(node, known, listed)
        ensure_switch_fabric(netns_path(state.pid))
        return state

    def master_of(self, node: NodeSpec) -> str | None:
        return SWITCH_BRIDGE_NAME

    def link_end(self, node: NodeSpec, link: LinkSpec, index: int, cache: dict) -> PlacedEnd:
        placed = super().link_end(node, link, index, cache)
        # Once per call: a switch restarted behind webgns's back comes up without its bridge.
        fabric = ("fabric", node.id)
        if fabric not in cache:
            cache[fabric] = ensure_switch_fabric(placed.end.netns)
        return placed
