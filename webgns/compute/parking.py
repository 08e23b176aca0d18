"""Parking: a stopped node's link ends wait in a namespace of their project until it starts again.

Why: a veth pair dies with either of its namespaces. Without parking, stopping one node would
destroy its neighbours' interfaces too, and with them every address and route the neighbours'
users had configured; GNS3 users expect a restarted router to find its neighbours unchanged.
So before a node stops gracefully, each of its link ends is moved (and renamed) into the
project's parking namespace; the pair survives, the neighbour's end keeps its configuration.
When the node starts, the end moves back under its port name before plumbing looks for it.

A node that is killed (not stopped through webgns) gets no chance to park: its links are made
again on its next start, and the neighbours' ends come back fresh.

Division of labour: this module moves interfaces between a node's namespace and the parking
one; `lab.py` decides which ends to park and when to restore them.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterable

from pyroute2 import NetlinkError
from pyroute2 import netns as pyroute2_netns

from webgns.compute.errors import LinkFailed, NamespaceUnavailable
from webgns.compute.labels import link_alias, parked_name
from webgns.compute.links import LinkEnd
from webgns.compute.namespaces import NetlinkSessions, find_interface, netns_fd

NETNS_DIR = "/run/netns"
_create_lock = threading.Lock()


def parking_netns_name(project_id: str) -> str:
    return f"webgns-park-{project_id}"


def parking_netns_path(project_id: str) -> str:
    return os.path.join(NETNS_DIR, parking_netns_name(project_id))


def park(sessions: NetlinkSessions, project_id: str, ends: Iterable[tuple[str, int, LinkEnd]]) -> list[str]:
    """Move each (link id, end index, end) that exists and is ours into the parking namespace.

    Returns the link ids whose end was parked. An end that is missing (the link was never plumbed,
    or the neighbour already went) is skipped: there is nothing to keep.
    """
    parked: list[str] = []
    target: int | None = None
    try:
        for link_id, index, end in ends:
            try:
                ipr = sessions.get(end.netns)
            except NamespaceUnavailable:
                continue
            found = find_interface(ipr, end.ifname)
            if found is None or found.get_attr("IFLA_IFALIAS") != link_alias(link_id):
                continue
            if target is None:
                target = netns_fd(_ensure_parking(project_id))
            try:
                # One request moves and renames: the port name (eth0) could clash in the parking
                # namespace, the parked name (unique per link end) cannot.
                ipr.link("set", index=found["index"], net_ns_fd=target, ifname=parked_name(link_id, index))
            except NetlinkError as error:
                raise LinkFailed(f"cannot park {end.where()}: {error}") from error
            parked.append(link_id)
    finally:
        if target is not None:
            os.close(target)
    return parked


def parked_names(sessions: NetlinkSessions, project_id: str) -> frozenset[str]:
    """The names of every end parked for the project: one netlink dump, so that plumbing a whole
    lab asks once rather than once per link end (a stat and nothing more when none ever parked)."""
    path = parking_netns_path(project_id)
    if not os.path.exists(path):
        return frozenset()
    return frozenset(link.get_attr("IFLA_IFNAME") for link in sessions.get(path).get_links())


def restore(sessions: NetlinkSessions, project_id: str, link_id: str, index: int, end: LinkEnd) -> bool:
    """Move a parked end back to `end` (its namespace, its port name). Returns whether it did.

    Skipped when the port name is already taken there (then plumbing sorts the link out).
    """
    path = parking_netns_path(project_id)
    if not os.path.exists(path):
        return False
    parking = sessions.get(path)
    found = find_interface(parking, parked_name(link_id, index))
    if found is None:
        return False
    if find_interface(sessions.get(end.netns), end.ifname) is not None:
        return False
    home = netns_fd(end.netns)
    try:
        parking.link("set", index=found["index"], net_ns_fd=home, ifname=end.ifname)
    except NetlinkError as error:
        raise LinkFailed(f"cannot bring back the parked end of link {link_id} to {end.where()}: {error}") from error
    finally:
        os.close(home)
    return True


def discard(sessions: NetlinkSessions, project_id: str, link_id: str) -> bool:
    """Delete the link's parked ends (deleting one end of a pair deletes both). Idempotent."""
    path = parking_netns_path(project_id)
    if not os.path.exists(path):
        return False
    parking = sessions.get(path)
    deleted = False
    for index in (0, 1):
        found = find_interface(parking, parked_name(link_id, index))
        if found is None:
            continue
        try:
            parking.link("del", index=found["index"])
            deleted = True
        except NetlinkError as error:
            if error.code != errno.ENODEV:  # its peer end went first and took it along
                raise LinkFailed(f"cannot delete the parked end of link {link_id}: {error}") from error
    return deleted


def remove_parking(project_id: str) -> bool:
    """The project's parking namespace is gone, and with it every parked end. Idempotent; returns
    whether there was one."""
    path = parking_netns_path(project_id)
    if not os.path.exists(path):
        return False
    pyroute2_netns.remove(path)
    return True


def _ensure_parking(project_id: str) -> str:
    path = parking_netns_path(project_id)
    with _create_lock:  # stops run in parallel threads; the namespace must be made once
        if not os.path.exists(path):
            os.makedirs(NETNS_DIR, exist_ok=True)
            pyroute2_netns.create(parking_netns_name(project_id))
    return path
