"""Links between nodes on two compute hosts: one VXLAN device per link end, one VNI per link.

Division of labour: like links.py for veth pairs, this module knows one kind of link and nothing
of containers, switches or qdiscs. Each host makes its own end: a VXLAN device whose UDP socket
lives in the host's namespace (where the underlay is) but which is created directly inside the
node's namespace under its port name, in one netlink request (the kernel keeps the device's
"link namespace" as the one the request came from). The two ends share the link's VNI and point
at each other's underlay address. Impairments then go on the device like on a veth end.

MTU: the lab side keeps 1500, so lab frames of 1500 bytes are never dropped; the outer packets
(1550 bytes) are sent without DF and the underlay fragments them where its MTU is below 1550.
That is why the device is not bound to the underlay device (`vxlan_link`): the kernel would then
cap its MTU at the underlay's minus 50. The route to the remote address picks the underlay.
An underlay MTU of 1550 or more avoids that fragmentation (README.md: "Several compute hosts").
"""

from __future__ import annotations

import errno
import ipaddress
import os
from dataclasses import dataclass

from pyroute2 import NetlinkError

from webgns.compute.errors import LinkFailed, NamespaceUnavailable
from webgns.compute.labels import IFNAME_MAX, link_id_from_alias
from webgns.compute.links import LinkEnd, _finish, remove_own_interface
from webgns.compute.namespaces import NetlinkSessions, find_interface, netns_fd

VXLAN_PORT = 4789
LAB_MTU = 1500
VNI_MIN, VNI_MAX = 4096, 16_777_215  # below 4096 stays free for people's own VXLAN labs


@dataclass(frozen=True)
class Tunnel:
    vni: int
    local: str  # this host's underlay address
    remote: str  # the other host's underlay address
    # The underlay device, in the host namespace; None: whichever holds `local` (checked to exist).
    underlay: str | None = None
    port: int = VXLAN_PORT

    def __post_init__(self) -> None:
        if not VNI_MIN <= self.vni <= VNI_MAX:
            raise LinkFailed(f"VNI {self.vni} is outside {VNI_MIN}–{VNI_MAX}")
        for address in (self.local, self.remote):
            try:
                ipaddress.ip_address(address)
            except ValueError as error:
                raise LinkFailed(f"underlay address {address!r} is not an IP address") from error


def ensure_vxlan_end(
    sessions: NetlinkSessions, alias: str, end: LinkEnd, tunnel: Tunnel, host_netns: str | None = None
) -> bool:
    """Make this host's end of a cross-host link exist, up and labelled. Returns whether it was created."""
    if len(end.ifname.encode()) > IFNAME_MAX:
        raise LinkFailed(f"interface name {end.ifname!r} is longer than the kernel's {IFNAME_MAX} bytes")
    node_ipr = sessions.get(end.netns)
    current = find_interface(node_ipr, end.ifname)
    if current is not None:
        if current.get_attr("IFLA_IFALIAS") == alias and _vni_of(current) == tunnel.vni:
            _finish(sessions, alias, end, current)
            return False
        if link_id_from_alias(current.get_attr("IFLA_IFALIAS")) is None:
            raise LinkFailed(f"{end.where()} is taken by an interface the lab did not create; remove it first")
        node_ipr.link("del", index=current["index"])
    host_ipr = sessions.get(host_netns)
    if tunnel.underlay is not None:
        if find_interface(host_ipr, tunnel.underlay) is None:
            raise LinkFailed(f"the underlay device {tunnel.underlay!r} does not exist on this host")
    elif not tuple(host_ipr.get_addr(address=tunnel.local)):
        raise LinkFailed(f"no interface of this host has the underlay address {tunnel.local} "
                         "(WEBGNS_UNDERLAY_ADDRESS names an address of this host)")
    target = netns_fd(end.netns)
    try:
        host_ipr.link(
            "add", ifname=end.ifname, kind="vxlan", mtu=LAB_MTU, net_ns_fd=target,
            vxlan_id=tunnel.vni, vxlan_local=tunnel.local, vxlan_group=tunnel.remote,
            vxlan_port=tunnel.port, vxlan_learning=0, vxlan_ttl=64,
        )  # fmt: skip
    except NetlinkError as error:
        if error.code == errno.EEXIST:
            raise LinkFailed(f"VNI {tunnel.vni} is already used by another device on this host") from error
        raise LinkFailed(f"the kernel refused the VXLAN end {end.where()} (VNI {tunnel.vni}): {error}") from error
    finally:
        os.close(target)
    _finish(sessions, alias, end)
    return True


def vxlan_present(sessions: NetlinkSessions, alias: str, end: LinkEnd, vni: int) -> bool:
    """Whether this host's end exists in its namespace, carries `alias` and the link's VNI."""
    try:
        found = find_interface(sessions.get(end.netns), end.ifname)
    except NamespaceUnavailable:
        return False
    return found is not None and found.get_attr("IFLA_IFALIAS") == alias and _vni_of(found) == vni


def remove_vxlan_end(sessions: NetlinkSessions, alias: str, end: LinkEnd) -> bool:
    """Delete this host's end if it exists and is ours. Idempotent; the other host removes its own."""
    return remove_own_interface(sessions, alias, end)


def _vni_of(message) -> int | None:
    info = message.get_attr("IFLA_LINKINFO")
    if info is None or info.get_attr("IFLA_INFO_KIND") != "vxlan":
        return None
    data = info.get_attr("IFLA_INFO_DATA")
    return data.get_attr("IFLA_VXLAN_ID") if data is not None else None
