"""Which OpenFlow controller targets an OVS node may name: an active connection to a lab address.

ovs-vswitchd runs on the host, so a controller string is an instruction to the host: `ptcp:`,
`punix:` and `unix:` would make it listen or open host sockets, and `tcp:127.0.0.1:…` or one of
the host's own addresses would make it connect to a host service. Allowed: `tcp:IP:PORT` or
`ssl:IP:PORT` (IPv6 as `[addr]`), PORT 1–65535, IP neither loopback, unspecified, multicast,
link-local nor one of this host's addresses. Empty means no controller (a learning switch).

For non-staff, the IP must also be inside the lab (`lab_problem`): an address the lab configures
on one of its nodes (`lab_addresses`: `ip addr add`, `ifconfig` in startup lines; `address`/`ip
address` lines in its files), and not one the host itself reaches directly (a destination or
gateway of the host's own routes other than the default route: its LANs, its gateway, Docker's
networks). Otherwise a student could make ovs-vswitchd dial any machine next to the host.
"""

import ipaddress
import re
import time
from pathlib import Path

_TARGET = re.compile(r"(?P<method>tcp|ssl):(?:\[(?P<ip6>[0-9a-fA-F:.]+)\]|(?P<ip4>[0-9.]+)):(?P<port>[0-9]{1,5})")
_HOST_ADDRESSES_TTL = 60.0
_cache: tuple[float, frozenset] = (0.0, frozenset())


class InvalidTarget(ValueError):
    """Not an allowed controller target; the message says why."""


def host_addresses() -> frozenset:
    """This host's own IPv4 and IPv6 addresses, from /proc (cached for a minute)."""
    global _cache
    now = time.monotonic()
    if now - _cache[0] < _HOST_ADDRESSES_TTL:
        return _cache[1]
    found: set = set()
    try:  # IPv4: the "/32 host LOCAL" entries of the local routing table
        previous = ""
        for line in Path("/proc/net/fib_trie").read_text().splitlines():
            if "/32 host LOCAL" in line:
                found.add(ipaddress.ip_address(previous.split()[-1]))
            previous = line
    except (OSError, ValueError, IndexError):
        pass
    try:
        for line in Path("/proc/net/if_inet6").read_text().splitlines():
            raw = line.split()[0]
            found.add(ipaddress.ip_address(":".join(raw[i:i + 4] for i in range(0, 32, 4))))
    except (OSError, ValueError, IndexError):
        pass
    _cache = (now, frozenset(found))
    return _cache[1]


def validate(value: str) -> str:
    """`value` if it is an allowed target (or empty); raises InvalidTarget otherwise."""
    if value == "":
        return value
    match = _TARGET.fullmatch(value)
    if match is None:
        if re.match(r"p?(tcp|ssl|unix)|punix", value):
            raise InvalidTarget(
                f"{value!r}: only an active connection tcp:IP:PORT or ssl:IP:PORT is allowed; listening forms "
                "(ptcp:, pssl:, punix:) and unix sockets would open sockets on the host."
            )
        raise InvalidTarget(f"{value!r} is not tcp:IP:PORT or ssl:IP:PORT (IPv6 in brackets).")
    try:
        address = ipaddress.ip_address(match.group("ip4") or match.group("ip6"))
    except ValueError as error:
        raise InvalidTarget(f"{value!r}: {error}.") from error
    port = int(match.group("port"))
    if not 1 <= port <= 65535:
        raise InvalidTarget(f"{value!r}: the port must be between 1 and 65535.")
    if address.is_loopback or address.is_unspecified or address.is_multicast or address.is_link_local:
        raise InvalidTarget(f"{value!r}: {address} is not a lab address (loopback, unspecified, multicast or "
                            "link-local addresses are refused).")
    if address in host_addresses():
        raise InvalidTarget(f"{value!r}: {address} is one of this server's own addresses.")
    return value


_IP = r"(?P<ip>[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]+)"
# Where a lab sets an address: iproute2 and ifconfig in startup lines, ifupdown and FRR in files.
_CONFIGURED = [
    re.compile(rf"\b(?:a|addr|address)\s+(?:add|replace|change)\s+(?:local\s+)?{_IP}"),
    re.compile(rf"\bifconfig\s+\S+\s+(?:inet6?\s+)?(?:add\s+)?{_IP}"),
    re.compile(rf"^\s*(?:ipv6\s+|ip\s+)?address\s+{_IP}", re.MULTILINE),
]


def lab_addresses(texts: list[str]) -> set:
    """The IP addresses the given startup lines and file contents configure on the lab's nodes."""
    found: set = set()
    for text in texts:
        for pattern in _CONFIGURED:
            for match in pattern.finditer(text):
                try:
                    found.add(ipaddress.ip_address(match.group("ip")))
                except ValueError:
                    continue
    return found


def host_routes() -> list:
    """The networks and gateways the host reaches by its own routes, but for the default route."""
    found: list = []
    try:
        for line in Path("/proc/net/route").read_text().splitlines()[1:]:
            fields = line.split()
            destination, gateway, mask = (ipaddress.IPv4Address(bytes.fromhex(f)[::-1]) for f in
                                          (fields[1], fields[2], fields[7]))
            if int(mask):
                found.append(ipaddress.IPv4Network(f"{destination}/{mask}", strict=False))
            if int(gateway):
                found.append(ipaddress.IPv4Network(f"{gateway}/32"))
    except (OSError, ValueError, IndexError):
        pass
    try:
        for line in Path("/proc/net/ipv6_route").read_text().splitlines():
            fields = line.split()
            prefix = int(fields[1], 16)
            destination = ipaddress.IPv6Address(bytes.fromhex(fields[0]))
            gateway = ipaddress.IPv6Address(bytes.fromhex(fields[4]))
            if prefix and not destination.is_link_local:
                found.append(ipaddress.IPv6Network(f"{destination}/{prefix}", strict=False))
            if int(gateway) and not gateway.is_link_local:
                found.append(ipaddress.IPv6Network(f"{gateway}/128"))
    except (OSError, ValueError, IndexError):
        pass
    return found


def lab_problem(value: str, texts: list[str]) -> str | None:
    """Why a non-staff user may not name `value` (already `validate`d) for a switch of the lab
    whose nodes' startup lines and files are `texts`; None when they may."""
    if value == "":
        return None
    match = _TARGET.fullmatch(value)
    address = ipaddress.ip_address(match.group("ip4") or match.group("ip6"))
    for network in host_routes():
        if address.version == network.version and address in network:
            return (f"{value!r}: {address} is on a network the server itself reaches ({network}); a controller "
                    "must be a node of the lab.")
    if address not in lab_addresses(texts):
        return (f"{value!r}: no node of this lab configures {address} (in its startup lines, e.g. `ip addr add "
                f"{address}/24 dev eth0`, or its files); a controller must be a node of the lab (staff may name "
                "any).")
    return None
