"""What a node's lab ports carry (addresses, routes through them), read back so it can be put back.

Division of labour: a stop through webgns parks a node's link ends (parking.py), so its neighbours
keep their interfaces. A node killed outside webgns takes its veth ends with it, and the kernel
deletes the peers in its neighbours' namespaces — with the addresses and routes their startup
lines or their users put there. This module reads a running node's ports into a plain record
(tasks keep the last one per node) and, once the links are plumbed again, puts back what is
missing — in the same namespace only: the record names the namespace it was read from (its inode),
and a node that itself started again (a new namespace) is a fresh start, not a survivor.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from collections.abc import Iterable
from typing import Any

from pyroute2 import NetlinkError

from webgns.compute.namespaces import open_iproute

# Routes the kernel makes itself (an address's subnet, link-local) come back with the address.
RTPROT_KERNEL = 2
RT_TABLE_MAIN = 254


def namespace_identity(netns: str) -> int | None:
    """The namespace's inode: the same number while the same namespace lives, a new one after."""
    try:
        return os.stat(netns).st_ino
    except OSError:
        return None


def read_ports(netns: str, ports: Iterable[str]) -> dict[str, Any]:
    """{"netns": inode, "ports": {port: {"mtu", "addresses": [cidr], "routes": [...]}}} for the ports that exist."""
    wanted = set(ports)
    record: dict[str, Any] = {"netns": namespace_identity(netns), "ports": {}}
    ipr = open_iproute(netns)
    try:
        index_to_port = {}
        for link in ipr.get_links():
            name = link.get_attr("IFLA_IFNAME")
            if name in wanted:
                index_to_port[link["index"]] = name
                record["ports"][name] = {"mtu": link.get_attr("IFLA_MTU"), "addresses": [], "routes": []}
        for address in ipr.get_addr():
            port = index_to_port.get(address["index"])
            value = address.get_attr("IFA_ADDRESS")
            if port is None or value is None:
                continue
            if address["family"] == socket.AF_INET6 and ipaddress.ip_address(value).is_link_local:
                continue
            record["ports"][port]["addresses"].append(f"{value}/{address['prefixlen']}")
        for family in (socket.AF_INET, socket.AF_INET6):
            for route in ipr.get_routes(family=family, table=RT_TABLE_MAIN):
                port = index_to_port.get(route.get_attr("RTA_OIF"))
                if port is None or route["proto"] == RTPROT_KERNEL:
                    continue
                dst = route.get_attr("RTA_DST")
                entry = {"family": family, "dst": f"{dst}/{route['dst_len']}" if dst else "default",
                         "gateway": route.get_attr("RTA_GATEWAY"), "priority": route.get_attr("RTA_PRIORITY")}
                if family == socket.AF_INET6 and entry["dst"].startswith("fe80:"):
                    continue
                record["ports"][port]["routes"].append(entry)
    finally:
        ipr.close()
    return record


def restore_ports(netns: str, record: dict[str, Any], ports: Iterable[str]) -> list[str] | None:
    """Put back on `ports` what `record` says they carried and they lack now; returns what was put.

    None, and nothing done, when the namespace is not the one the record was read from (the node
    started again: its startup lines configure it, as at any start).
    """
    if not record or record.get("netns") != namespace_identity(netns):
        return None
    restored: list[str] = []
    ipr = open_iproute(netns)
    try:
        for port in ports:
            saved = record.get("ports", {}).get(port)
            found = ipr.link_lookup(ifname=port)
            if not saved or not found:
                continue
            index = found[0]
            if saved.get("mtu"):
                with contextlib.suppress(NetlinkError):
                    ipr.link("set", index=index, mtu=saved["mtu"])
            for cidr in saved.get("addresses", []):
                address, prefix = cidr.rsplit("/", 1)
                try:
                    ipr.addr("add", index=index, address=address, prefixlen=int(prefix))
                    restored.append(f"{port} {cidr}")
                except NetlinkError as error:
                    if error.code != 17:  # EEXIST: still there
                        raise
            for route in saved.get("routes", []):
                fields = {"oif": index, "family": route["family"]}
                if route["dst"] != "default":
                    fields["dst"] = route["dst"]
                if route.get("gateway"):
                    fields["gateway"] = route["gateway"]
                if route.get("priority") is not None:
                    fields["priority"] = route["priority"]
                try:
                    ipr.route("replace", **fields)
                    restored.append(f"{port} route {route['dst']}")
                except NetlinkError:
                    continue  # a gateway no longer reachable: the rest still goes back
    finally:
        ipr.close()
    return restored
