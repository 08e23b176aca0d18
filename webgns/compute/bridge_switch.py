"""Bridge switches: a Linux bridge `br0` inside the switch node's own network namespace.

Division of labour: the switch node itself is an ordinary container (`docker_nodes`), which gives
it a namespace and a console; this module makes the bridge in that namespace, and `links`
enslaves each port (a veth end named eth0…ethN) to it. Nothing of the switch is in the host
namespace, so a bridge switch cannot leak lab traffic to the host.
"""

from __future__ import annotations

import errno

from pyroute2 import IPRoute, NetlinkError

from webgns.compute.errors import LinkFailed
from webgns.compute.labels import SWITCH_BRIDGE_NAME
from webgns.compute.namespaces import describe, find_interface, open_iproute

IFF_UP = 0x1


def ensure_switch_fabric(netns: str) -> int:
    """The switch's `br0`, up, in `netns`; returns its index. Idempotent."""
    with open_iproute(netns) as ipr:
        return ensure_bridge(ipr, SWITCH_BRIDGE_NAME, netns)


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
