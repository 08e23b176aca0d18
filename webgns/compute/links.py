"""Links: veth pairs whose two ends are created directly in their namespaces.

Division of labour: this module knows veth pairs and nothing of containers, switches or qdiscs
(an end may name a master device to join; making that device is its node kind's business).
An end is (namespace path, interface name, optional master device in that namespace); the
façade (`lab.py`) decides where ends go — a port inside a node, a port inside a bridge switch's
namespace enslaved to its `br0`, a host-namespace port for an OVS bridge — and applies
impairments afterwards.

Both ends are made by one RTM_NEWLINK request (the kernel puts each end straight into its
namespace under its final name: ~1 ms, against ~48 ms for create-then-move), then each end gets
its alias `webgns:<link id>` and is set up. "Ensure" semantics: a link whose two ends exist,
carry the alias and are each other's peer is left alone; a half-present or stale one is removed
and made again.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from typing import Any

from pyroute2 import NetlinkError

from webgns.compute.errors import LinkFailed, NamespaceUnavailable
from webgns.compute.labels import IFNAME_MAX, link_id_from_alias
from webgns.compute.namespaces import NetlinkSessions, describe, find_interface, netns_fd

IFF_UP = 0x1
# The root qdisc a new veth end reports: nothing to clear when no impairment is wanted.
FRESH_VETH_QDISC = "noqueue"


@dataclass(frozen=True)
class LinkEnd:
    netns: str | None  # namespace path; None = the host namespace
    ifname: str
    master: str | None = None  # a bridge device in the same namespace to enslave this end to

    def where(self) -> str:
        return f"{self.ifname} in {describe(self.netns)}"


@dataclass(frozen=True)
class VethOutcome:
    created: bool  # False: an intact pair was found and kept
    root_qdiscs: tuple[str | None, str | None]  # what the kernel reports for a's and b's end


def ensure_veth(sessions: NetlinkSessions, alias: str, a: LinkEnd, b: LinkEnd) -> VethOutcome:
    """Make the veth pair a<->b exist, up, labelled `alias` (and enslaved to each end's master)."""
    for end in (a, b):
        if len(end.ifname.encode()) > IFNAME_MAX:
            raise LinkFailed(f"interface name {end.ifname!r} is longer than the kernel's {IFNAME_MAX} bytes")
    try:
        _create(sessions, a, b)
    except NetlinkError as error:
        if error.code != errno.EEXIST:
            raise LinkFailed(f"the kernel refused the veth pair {a.where()} <-> {b.where()}: {error}") from error
        found = _intact(sessions, alias, a, b)
        if found is not None:
            for end, message in zip((a, b), found, strict=True):
                _finish(sessions, alias, end, message)
            return VethOutcome(False, (found[0].get_attr("IFLA_QDISC"), found[1].get_attr("IFLA_QDISC")))
        # Half-present or stale (a port re-wired to another link): remove what is there, redo.
        for end in (a, b):
            _delete_stale(sessions, end, alias)
        try:
            _create(sessions, a, b)
        except NetlinkError as again:
            raise LinkFailed(f"the kernel refused the veth pair {a.where()} <-> {b.where()}: {again}") from again
    _finish(sessions, alias, a)
    _finish(sessions, alias, b)
    return VethOutcome(True, (FRESH_VETH_QDISC, FRESH_VETH_QDISC))


def remove_veth(sessions: NetlinkSessions, alias: str, end: LinkEnd) -> bool:
    """Delete the pair through one of its ends, if that end exists and is ours. Idempotent.

    Deleting one end of a veth pair deletes both. Returns whether something was deleted.
    """
    return remove_own_interface(sessions, alias, end)


def remove_own_interface(sessions: NetlinkSessions, alias: str, end: LinkEnd) -> bool:
    """Delete `end` if it exists and carries `alias` (made by us for this link). Idempotent."""
    try:
        ipr = sessions.get(end.netns)
    except NamespaceUnavailable:
        return False  # the node is not running: its links went with its namespace
    found = find_interface(ipr, end.ifname)
    if found is None or found.get_attr("IFLA_IFALIAS") != alias:
        return False
    try:
        ipr.link("del", index=found["index"])
    except NetlinkError as error:
        if error.code == errno.ENODEV:
            return False
        raise LinkFailed(f"cannot delete {end.where()}: {error}") from error
    return True


def veth_present(sessions: NetlinkSessions, alias: str, a: LinkEnd, b: LinkEnd) -> bool:
    """Whether both ends exist, carry `alias` and are each other's peer."""
    try:
        return _intact(sessions, alias, a, b) is not None
    except NamespaceUnavailable:
        return False


def _create(sessions: NetlinkSessions, a: LinkEnd, b: LinkEnd) -> None:
    ipr = sessions.get(a.netns)
    if a.netns == b.netns:
        ipr.link("add", ifname=a.ifname, kind="veth", peer={"ifname": b.ifname})
        return
    # For None ("the host namespace"): the one this process runs in; the thread is back home here.
    peer_ns = netns_fd(b.netns)
    try:
        ipr.link("add", ifname=a.ifname, kind="veth", peer={"ifname": b.ifname, "net_ns_fd": peer_ns})
    finally:
        os.close(peer_ns)


def _finish(sessions: NetlinkSessions, alias: str, end: LinkEnd, current: Any | None = None) -> None:
    """Alias, up, master: one request, skipped when `current` (its link message) shows all done."""
    ipr = sessions.get(end.netns)
    master = None
    if end.master:  # made by the node's kind before its ends are placed (bridge_switch_node)
        found = find_interface(ipr, end.master)
        if found is None:
            raise LinkFailed(f"{end.where()} should join {end.master}, which does not exist there")
        master = found["index"]
    if current is not None and current["flags"] & IFF_UP and current.get_attr("IFLA_MASTER") == master:
        return
    settings: dict[str, object] = {"ifname": end.ifname, "state": "up", "ifalias": alias}
    if master is not None:
        settings["master"] = master
    try:
        ipr.link("set", **settings)
    except NetlinkError as error:
        raise LinkFailed(f"cannot set up {end.where()}: {error}") from error


def _intact(sessions: NetlinkSessions, alias: str, a: LinkEnd, b: LinkEnd) -> tuple[Any, Any] | None:
    """Both ends' link messages if they exist, carry `alias` and are each other's peer; else None."""
    end_a = find_interface(sessions.get(a.netns), a.ifname)
    end_b = find_interface(sessions.get(b.netns), b.ifname)
    if end_a is None or end_b is None:
        return None
    if end_a.get_attr("IFLA_IFALIAS") != alias or end_b.get_attr("IFLA_IFALIAS") != alias:
        return None
    # Each end names its peer's index (in the peer's namespace).
    if end_a.get_attr("IFLA_LINK") == end_b["index"] and end_b.get_attr("IFLA_LINK") == end_a["index"]:
        return end_a, end_b
    return None


def _delete_stale(sessions: NetlinkSessions, end: LinkEnd, alias: str) -> None:
    ipr = sessions.get(end.netns)
    found = find_interface(ipr, end.ifname)
    if found is None:
        return
    if link_id_from_alias(found.get_attr("IFLA_IFALIAS")) is None:
        # Not made by the engine (someone ran `ip link add` in the node): do not destroy it.
        raise LinkFailed(f"{end.where()} is taken by an interface the lab did not create; remove it first")
    try:
        ipr.link("del", index=found["index"])
    except NetlinkError as error:
        if error.code != errno.ENODEV:
            raise LinkFailed(f"cannot remove stale {end.where()}: {error}") from error
