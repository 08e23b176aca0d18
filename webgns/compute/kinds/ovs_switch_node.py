"""Open vSwitch switches: an OVS bridge on the host; its link ends are host-namespace ports.

Division of labour: the bridge itself is `ovs_switch`'s (ovs-vsctl); this kind says that the
switch "runs" while its bridge exists, that its ends are host ports named per link end, and that
it has no shell. Port attachment (offloads, VLANs) stays in `lab.py`, which sees both ends.
"""

from __future__ import annotations

import contextlib

from webgns.compute import ovs_switch
from webgns.compute.errors import EngineError, OvsCommandFailed
from webgns.compute.kinds.base import NodeDown, NodeKind, PlacedEnd
from webgns.compute.labels import host_port_name, ovs_bridge_name
from webgns.compute.links import LinkEnd, remove_veth
from webgns.compute.namespaces import NetlinkSessions
from webgns.compute.specs import ERROR, STARTED, STOPPED, LinkSpec, NodeSpec, NodeState


class OvsSwitchNode(NodeKind):
    has_shell = False
    needs_full_checksums = True

    def __init__(self, instance: str = "", host: str = "") -> None:
        self.instance, self.host = instance, host

    def start(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        ovs_switch.ensure_bridge(
            ovs_bridge_name(node), node.project_id, node.id, node.name, node.openflow_controller, self.instance,
            self.host,
        )  # fmt: skip
        return NodeState(status=STARTED)

    def stop(self, node: NodeSpec) -> NodeState:
        ovs_switch.delete_bridge(ovs_bridge_name(node))
        return NodeState(status=STOPPED)

    def remove(self, node: NodeSpec) -> None:
        ovs_switch.delete_bridge(ovs_bridge_name(node))

    def state(self, node: NodeSpec) -> NodeState:
        try:
            exists = ovs_switch.bridge_exists(ovs_bridge_name(node))
        except EngineError as error:
            return NodeState(status=ERROR, error=str(error))
        return NodeState(status=STARTED if exists else STOPPED)

    def link_end(self, node: NodeSpec, link: LinkSpec, index: int, cache: dict) -> PlacedEnd:
        if node.id not in cache:
            cache[node.id] = ovs_switch.bridge_exists(ovs_bridge_name(node))
        if not cache[node.id]:
            raise NodeDown(f"switch {node.name} is not running")
        endpoint = (link.a, link.b)[index]
        return PlacedEnd(LinkEnd(None, host_port_name(link, index)), ovs_bridge=ovs_bridge_name(node),
                         impairment=link.impairment_of(index), vlan=node.vlans.get(endpoint.port))  # fmt: skip

    def parked_end(self, node: NodeSpec, link: LinkSpec, index: int) -> LinkEnd | None:
        return LinkEnd(None, host_port_name(link, index))

    def remove_link_end(self, sessions: NetlinkSessions, node: NodeSpec, link: LinkSpec, index: int,
                        alias: str) -> None:
        port = host_port_name(link, index)
        ovs_switch.delete_port(ovs_bridge_name(node), port)
        remove_veth(sessions, alias, LinkEnd(None, port))

    def apply_vlans(self, node: NodeSpec, links: list[LinkSpec]) -> None:
        if not ovs_switch.bridge_exists(ovs_bridge_name(node)):
            return
        for link in links:
            for index, endpoint in enumerate((link.a, link.b)):
                if endpoint.node_id == node.id:
                    vlan = node.vlans.get(endpoint.port)
                    with contextlib.suppress(OvsCommandFailed):  # a port not plumbed (yet) gets it when it is
                        ovs_switch.set_port_vlans(host_port_name(link, index), dict(vlan) if vlan else None)
