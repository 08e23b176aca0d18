"""Whether an OVS switch's OpenFlow controller would make this compute host dial one of its own
services or a machine beside it — checked here, where ovs-vswitchd runs and dials.

Division of labour: the API checks what it can know (the target's form, and for non-staff that a
node of the lab configures the address); only the host that runs the switch knows its own
addresses and where it would send a connection, so ovs_switch asks this module before it sets a
controller, whoever asked for it. ovs-vswitchd dials from the host's own namespace: a controller
is taken only when the kernel would send the connection into a lab (out of a host interface a lab
made) or drop it (a blackhole route); one at an address of this host, or that the host would send
out of its own interfaces — its LAN, its gateway, the default route to anywhere — is refused, and
the switch says why. So a controller can never make the host dial a host service, a neighbour or
the internet for a student.
"""

from __future__ import annotations

import ipaddress
import re

from pyroute2 import IPRoute

# blackhole, unreachable, prohibit: routes that drop what they match.
DROPPING_ROUTE_TYPES = (6, 7, 8)
# Host-namespace interfaces a lab made (labels.host_port_name: "wgp…"): a route through one leads into a lab.
LAB_HOST_IFNAME_PREFIXES = ("wgp",)
_TARGET_IP = re.compile(r"(?:tcp|ssl):(?:\[(?P<ip6>[0-9a-fA-F:.]+)\]|(?P<ip4>[0-9.]+)):[0-9]{1,5}")


def host_problem(controller: str) -> str | None:
    """Why this host will not dial `controller`, or None when it may."""
    match = _TARGET_IP.fullmatch(controller or "")
    if match is None:
        return None  # the form is checked by the caller; nothing to dial
    try:
        address = ipaddress.ip_address(match["ip4"] or match["ip6"])
    except ValueError:
        return f"controller {controller!r}: {match['ip4'] or match['ip6']!r} is not an IP address"
    if address.is_loopback or address.is_unspecified or address.is_multicast or address.is_link_local:
        return f"controller {controller!r}: {address} is not an address a lab node can have"
    with IPRoute() as ipr:
        for entry in ipr.get_addr():
            if entry.get_attr("IFA_ADDRESS") == str(address) or entry.get_attr("IFA_LOCAL") == str(address):
                return (f"controller {controller!r}: {address} is an address of this compute host; "
                        "run the controller as a node of the lab")
        try:
            (route,) = ipr.route("get", dst=str(address))[:1]
        except Exception:  # no route at all: nothing would be dialed
            return None
        if route["type"] in DROPPING_ROUTE_TYPES:
            return None  # dropped by the host: nothing leaves, nothing is reached
        device = ""
        if (index := route.get_attr("RTA_OIF")) is not None:
            links = ipr.get_links(index)
            device = links[0].get_attr("IFLA_IFNAME") if links else ""
        if device.startswith(LAB_HOST_IFNAME_PREFIXES):
            return None  # into a lab, through an interface a lab made
        return (f"controller {controller!r}: this compute host would dial {address} out of {device or 'its'} "
                "interface, outside every lab (its LAN, its gateway or beyond); a controller must be a node "
                "the host reaches inside the lab")
