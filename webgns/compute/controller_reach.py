"""Whether an OVS switch's OpenFlow controller would make this compute host dial one of its own
services or a machine beside it — checked here, where ovs-vswitchd runs and dials.

Division of labour: the API checks what it can know (the target's form, and for non-staff that a
node of the lab configures the address); only the host that runs the switch knows its own
addresses and the networks it reaches directly, so ovs_switch asks this module before it sets a
controller, whoever asked for it. A controller belongs inside the lab (a node of it): one at an
address of this host, or on a network this host reaches by a route other than its default route
(its LAN, its gateway, Docker's networks), is refused and the switch says why.
"""

from __future__ import annotations

import ipaddress
import re
import socket

from pyroute2 import IPRoute

# blackhole, unreachable, prohibit: routes that drop what they match.
DROPPING_ROUTE_TYPES = (6, 7, 8)
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
        family = socket.AF_INET if address.version == 4 else socket.AF_INET6
        for route in ipr.get_routes(family=family, table=254):
            gateway = route.get_attr("RTA_GATEWAY")
            if gateway and ipaddress.ip_address(gateway) == address:
                return (f"controller {controller!r}: {address} is this compute host's gateway; "
                        "run the controller as a node of the lab")
            if route["dst_len"] == 0 or route["type"] in DROPPING_ROUTE_TYPES:
                continue  # the default route says nothing of a neighbour; a blackhole reaches nothing
            destination = route.get_attr("RTA_DST")
            if destination and address in ipaddress.ip_network(f"{destination}/{route['dst_len']}", strict=False):
                return (f"controller {controller!r}: {address} is on a network this compute host reaches "
                        f"directly ({destination}/{route['dst_len']}); run the controller as a node of the lab")
    return None
