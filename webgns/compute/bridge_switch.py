"""Bridge switches: a Linux bridge `br0` inside the switch node's own network namespace.

Division of labour: the switch node itself is an ordinary container (`docker_nodes`), which gives
it a namespace and a console; this module makes the bridge in that namespace, and `links`
enslaves each port (a veth end named eth0…ethN) to it. Nothing of the switch is in the host
namespace, so a bridge switch cannot leak lab traffic to the host.

VLANs (a node's `vlans`) use the bridge's own VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): on
while the switch names any port VLAN, off otherwise (every port then carries every frame, as
before). With filtering on, each port's VLAN set is made exactly what its role says: an access
port is PVID + untagged member of its VLAN alone (the kernel's default VLAN 1 removed), a trunk
a tagged member of its VLANs, and a port not named stays as the kernel enslaves it (VLAN 1,
PVID, untagged). `capabilities.py` tells the API up front whether the kernel can do it.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping

from pyroute2 import IPRoute, NetlinkError

from webgns.compute.errors import LinkFailed
from webgns.compute.labels import SWITCH_BRIDGE_NAME
from webgns.compute.namespaces import describe, find_interface, open_iproute

IFF_UP = 0x1
# include/uapi/linux/if_bridge.h
BRIDGE_VLAN_INFO_PVID = 0x2
BRIDGE_VLAN_INFO_UNTAGGED = 0x4
ACCESS_FLAGS = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED
TRUNK_FLAGS = 0
DEFAULT_VLAN = 1  # the bridge's default_pvid: what the kernel gives a port it enslaves
# IFLA_EXT_MASK bit asking a dump for each port's VLANs one by one (RTEXT_FILTER_BRVLAN)
RTEXT_FILTER_BRVLAN = 0x2
NO_VLAN_FILTERING = (
    "VLANs on a bridge switch need the kernel's bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), "
    "which this host's kernel lacks"
)


def ensure_switch_fabric(netns: str, vlan_filtering: bool = False) -> int:
    """The switch's `br0`, up, in `netns`, filtering VLANs or not; returns its index. Idempotent."""
    with open_iproute(netns) as ipr:
        index = ensure_bridge(ipr, SWITCH_BRIDGE_NAME, netns)
        ensure_vlan_filtering(ipr, index, vlan_filtering, netns)
        return index


def ensure_vlan_filtering(ipr: IPRoute, bridge_index: int, on: bool, netns: str | None = None) -> None:
    """The bridge's VLAN filtering is `on` or off. Raises LinkFailed naming the kernel feature."""
    found = ipr.link("get", index=bridge_index)[0]
    if bool(found.get_nested("IFLA_LINKINFO", "IFLA_INFO_DATA", "IFLA_BR_VLAN_FILTERING")) == on:
        return
    try:
        ipr.link("set", index=bridge_index, kind="bridge", br_vlan_filtering=int(on))
    except NetlinkError as error:
        if on and error.code in (errno.EOPNOTSUPP, errno.EINVAL):
            raise LinkFailed(f"{NO_VLAN_FILTERING} ({describe(netns)}: {error})") from error
        raise LinkFailed(f"cannot turn VLAN filtering {'on' if on else 'off'} in {describe(netns)}: {error}") from error


def port_vlans(ipr: IPRoute, port_index: int) -> dict[int, int]:
    """The VLANs a bridge port is a member of now: VLAN id → its PVID/untagged flags."""
    found: dict[int, int] = {}
    for message in ipr.get_vlans():
        if message["index"] != port_index:
            continue
        spec = message.get_attr("IFLA_AF_SPEC")
        for info in spec.get_attrs("IFLA_BRIDGE_VLAN_INFO") if spec else ():
            found[int(info["vid"])] = int(info["flags"]) & ACCESS_FLAGS
    return found


def wanted_port_vlans(role: Mapping | None) -> dict[int, int]:
    """The VLAN set a port's role asks for: VLAN id → PVID/untagged flags."""
    if role and "access" in role:
        return {int(role["access"]): ACCESS_FLAGS}
    if role and "trunk" in role:
        return {int(vid): TRUNK_FLAGS for vid in role["trunk"]}
    return {DEFAULT_VLAN: ACCESS_FLAGS}


def ensure_port_vlans(ipr: IPRoute, ifname: str, role: Mapping | None, netns: str | None = None) -> bool:
    """Port `ifname` (a member of a VLAN-filtering bridge) carries exactly what `role` asks.

    Returns False when the port is not there (its link is not plumbed yet: it gets its VLANs
    when it is). Additions come before removals, so a port moved from one VLAN to another never
    passes through "no VLAN at all" longer than the two requests.
    """
    found = find_interface(ipr, ifname)
    if found is None:
        return False
    index = found["index"]
    have, want = port_vlans(ipr, index), wanted_port_vlans(role)
    try:
        for vid, flags in want.items():
            if have.get(vid) != flags:
                # Re-adding an existing VLAN replaces its flags (a trunk member becoming PVID, or back).
                ipr.vlan_filter("add", index=index, vlan_info={"vid": vid, "flags": flags})
        for vid in have.keys() - want.keys():
            ipr.vlan_filter("del", index=index, vlan_info={"vid": vid, "flags": 0})
    except NetlinkError as error:
        where = describe(netns)
        raise LinkFailed(f"the kernel refused VLANs {sorted(want)} on {ifname} in {where}: {error}") from error
    return True


def ensure_bridge(ipr: IPRoute, name: str, netns: str | None = None) -> int:
    """A Linux bridge `name` in `ipr`'s namespace, up; returns its index. Idempotent."""
    found = find_interface(ipr, name)
    if found is None:
        try:
            # STP off (the default): labs wire loops on purpose only when they run STP themselves.
            ipr.link("add", ifname=name, kind="bridge")
        except NetlinkError as error:
            if error.code != errno.EEXIST:
                raise LinkFailed(f"cannot create bridge {name} in {describe(netns)}: {error}") from error
        found = find_interface(ipr, name)
        if found is None:
            raise LinkFailed(f"bridge {name} vanished from {describe(netns)} right after it was created")
    if found.get_nested("IFLA_LINKINFO", "IFLA_INFO_KIND") != "bridge":
        raise LinkFailed(f"{name} in {describe(netns)} exists but is not a bridge; it cannot be the switch")
    if not found["flags"] & IFF_UP:
        ipr.link("set", index=found["index"], state="up")
    return found["index"]
