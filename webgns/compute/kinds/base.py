"""The node protocol every kind implements, and the placed end of a link that kinds hand back.

Division of labour: this module only states the contract; `container.py`, `bridge_switch_node.py`
and `ovs_switch_node.py` implement it, `registry.py` picks one per node, `lab.py` composes them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from webgns.compute.links import LinkEnd
from webgns.compute.namespaces import NetlinkSessions
from webgns.compute.specs import Impairment, LinkSpec, NodeSpec, NodeState


class NodeDown(Exception):
    """The node of a link end is not running, so the link is "down", not an error."""


@dataclass(frozen=True)
class PlacedEnd:
    """Where one end of a link lives, plus the OVS bridge it joins (for ovs nodes) and its VLANs."""

    end: LinkEnd
    ovs_bridge: str | None = None
    impairment: Impairment = Impairment()
    vlan: Mapping | None = None  # the switch port's VLAN role (ovs, and bridges that filter VLANs)
    bridge_vlans: bool = False  # its bridge filters VLANs: the port's VLAN set is to be made `vlan`


class NodeKind(ABC):
    """One kind of node. Implementations hold no per-node state: the host is the state."""

    #: whether commands can run in it (exec, startup lines, files, consoles)
    has_shell: bool = True
    # Its ports forward frames in user space (OVS's netdev datapath), which neither fills in a
    # checksum a sender left to "hardware" nor keeps the mark that says so: what comes to it must
    # carry full checksums (`ethtool -K tx off` on the sending ends).
    needs_full_checksums: bool = False

    @abstractmethod
    def start(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        """Ensure it runs. `known`: its container as listed for the project (None: look it up)."""

    @abstractmethod
    def stop(self, node: NodeSpec) -> NodeState:
        """Stop it, keeping what it is made of (a container's filesystem)."""

    @abstractmethod
    def remove(self, node: NodeSpec) -> None:
        """It is gone from the host. Idempotent."""

    @abstractmethod
    def state(self, node: NodeSpec) -> NodeState:
        """What is true on the host now."""

    @abstractmethod
    def link_end(self, node: NodeSpec, link: LinkSpec, index: int, cache: dict) -> PlacedEnd:
        """Where end `index` of `link` (which is on this node) lives; raises NodeDown when not running.

        `cache` lives for one engine call: a kind keeps per-node lookups there (a namespace path).
        """

    @abstractmethod
    def parked_end(self, node: NodeSpec, link: LinkSpec, index: int) -> LinkEnd | None:
        """Its end of `link` as it is to be parked on stop (None: nothing to park, it is gone)."""

    @abstractmethod
    def remove_link_end(self, sessions: NetlinkSessions, node: NodeSpec, link: LinkSpec, index: int,
                        alias: str) -> None:
        """Its end of `link` is gone (and, for a veth, the peer with it). Idempotent."""

    def apply_vlans(self, node: NodeSpec, links: list[LinkSpec]) -> None:  # noqa: B027 — most kinds have none
        """Make a running switch's ports carry the VLANs its spec names now. Idempotent."""
