"""Which implementation serves which node kind: the one place that knows every kind.

Division of labour: `kinds_for` builds one implementation per kind for an engine (they share its
Docker client); `LabEngine` asks `kind_of(node)` and calls the protocol of `base.NodeKind`.
"""

from __future__ import annotations

from webgns.compute.docker_nodes import DockerNodes
from webgns.compute.errors import EngineError
from webgns.compute.kinds.base import NodeKind
from webgns.compute.kinds.bridge_switch_node import BridgeSwitchNode
from webgns.compute.kinds.container import ContainerNode
from webgns.compute.kinds.ovs_switch_node import OvsSwitchNode
from webgns.compute.specs import BRIDGE, DOCKER, OVS, NodeSpec


class NodeKinds:
    def __init__(self, nodes: DockerNodes, instance: str = "", host: str = "") -> None:
        self.by_kind: dict[str, NodeKind] = {
            DOCKER: ContainerNode(nodes),
            BRIDGE: BridgeSwitchNode(nodes),
            OVS: OvsSwitchNode(instance, host),
        }

    def of(self, node: NodeSpec) -> NodeKind:
        try:
            return self.by_kind[node.kind]
        except KeyError:
            raise EngineError(f"node {node.name} is of kind {node.kind!r}, which this engine does not know") from None
