"""Names and labels the engine puts on what it creates, so it can find them again.

Division of labour: every other module asks this one how a thing is called — the container of a
node, the OVS bridge of a switch, the host-side port of a link, the alias on a link's interfaces
— and which labels mark it. Names are derived from ids, never stored, so a worker that restarts
finds the same things by recomputing them. Interface names are limited by the kernel to 15 bytes.
"""

from __future__ import annotations

import hashlib
import re

from webgns.compute.specs import LinkSpec, NodeSpec

# Docker labels on every container the engine creates.
PROJECT_LABEL = "webgns.project"
NODE_LABEL = "webgns.node"
KIND_LABEL = "webgns.kind"
NAME_LABEL = "webgns.name"
# Which webgns installation (database) made it: two installations on one host - `make run` and a
# test run, or two test stacks - must each sweep only their own orphans.
INSTANCE_LABEL = "webgns.instance"

# The same facts as OVS external_ids on every OVS bridge the engine creates.
OVS_PROJECT_KEY = "webgns-project"
OVS_NODE_KEY = "webgns-node"
OVS_NAME_KEY = "webgns-name"
OVS_LINK_KEY = "webgns-link"
OVS_INSTANCE_KEY = "webgns-instance"
# The compute host whose worker made the bridge: hosts that share one OVS database (two "hosts" on
# one machine, as the tests run them) each find and remove only their own.
OVS_HOST_KEY = "webgns-host"

# Every link interface carries `webgns:<link id>` as its ifalias (what `ip link` shows as alias).
ALIAS_PREFIX = "webgns:"

IFNAME_MAX = 15
# The Linux bridge inside a bridge switch's own namespace.
SWITCH_BRIDGE_NAME = "br0"

_UNSAFE_IN_CONTAINER_NAME = re.compile(r"[^a-zA-Z0-9_.-]+")


def short_id(identifier: str, length: int = 8) -> str:
    """The first `length` characters of an id without dashes (UUIDs are unique in that prefix)."""
    return identifier.replace("-", "")[:length]


def container_name(node: NodeSpec) -> str:
    """`webgns-<project8>-<node name>-<node6>`: says what it is and stays unique.

    The node id suffix keeps two nodes whose names sanitize alike apart; the project prefix keeps
    two projects that reuse node names apart.
    """
    safe = _UNSAFE_IN_CONTAINER_NAME.sub("_", node.name).strip("_.-")[:40] or "node"
    return f"webgns-{short_id(node.project_id)}-{safe}-{short_id(node.id, 6)}"


def ovs_bridge_name(node: NodeSpec) -> str:
    """`wgs` + 12 hex digits of the node id's hash: 15 bytes, the interface name limit."""
    return "wgs" + _digest(node.id, 12)


def host_port_name(link: LinkSpec, endpoint_index: int) -> str:
    """Host-namespace end of a link to an OVS switch: `wgp` + 11 hex of the link id + end (a/b).

    The end letter matters only for a link between two OVS switches, where both ends live in the
    host namespace.
    """
    return "wgp" + _digest(link.id, 11) + "ab"[endpoint_index]


def parked_name(link_id: str, endpoint_index: int) -> str:
    """A stopped node's link end while it waits in the parking namespace: `wpk` + 11 hex + a/b."""
    return "wpk" + _digest(link_id, 11) + "ab"[endpoint_index]


def link_alias(link_id: str) -> str:
    return ALIAS_PREFIX + link_id


def link_id_from_alias(alias: str | None) -> str | None:
    if alias and alias.startswith(ALIAS_PREFIX):
        return alias[len(ALIAS_PREFIX) :]
    return None


def container_labels(node: NodeSpec, instance: str = "") -> dict[str, str]:
    labels = {PROJECT_LABEL: node.project_id, NODE_LABEL: node.id, KIND_LABEL: node.kind, NAME_LABEL: node.name}
    if instance:
        labels[INSTANCE_LABEL] = instance
    return labels


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]
