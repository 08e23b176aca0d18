"""What a check runs and how its output is judged: pure functions, no database, no Docker.

A `command` check runs the teacher's command; the built-in kinds become commands that the
images at hand (busybox, iproute2) understand: `reaches` pings the address, `route` lists the
routing table and looks for a line starting with the prefix, `address` lists the interface's
addresses and looks for the address. `judge` compares one result with the expectation and
says, in words, why a check failed.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass

EXPECT_KEYS = ("exit_code", "output_contains", "output_regex")
PING_COUNT = 2


@dataclass(frozen=True)
class Plan:
    command: str
    expect: dict


def plan(kind: str, *, command: str = "", expect: dict | None = None, target: str = "", interface: str = "") -> Plan:
    """The command to run and the expectation to hold for a check of `kind`."""
    if kind == "command":
        return Plan(command, expect or {"exit_code": 0})
    if kind == "reaches":
        address = str(ipaddress.ip_address(target))
        return Plan(f"ping -c {PING_COUNT} -W 1 {shlex.quote(address)}", {"exit_code": 0})
    if kind == "route":
        network = ipaddress.ip_network(target, strict=False) if target != "default" else None
        family = "-6" if network is not None and network.version == 6 else "-4"
        wanted = "default" if network is None else _route_text(network)
        return Plan(f"ip {family} route show", {"output_regex": rf"(?m)^{re.escape(wanted)}(\s|$)"})
    if kind == "address":
        address = ipaddress.ip_interface(target)
        dev = f" dev {shlex.quote(interface)}" if interface else ""
        shown = str(address.ip) if "/" not in target else str(address)
        return Plan(f"ip -o addr show{dev}", {"output_regex": rf"inet6? {re.escape(shown)}[/\s]"})
    raise ValueError(f"unknown check kind {kind!r}")


def _route_text(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    # `ip route` prints host routes without their /32 (or /128).
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def validate_expect(expect: dict) -> dict:
    """One known key with a value of the right type; raises ValueError naming the problem."""
    if not isinstance(expect, dict) or len(expect) != 1 or next(iter(expect)) not in EXPECT_KEYS:
        raise ValueError("expect is one of {'exit_code': N}, {'output_contains': '…'}, {'output_regex': '…'}")
    key, value = next(iter(expect.items()))
    if key == "exit_code" and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 255):
        raise ValueError("exit_code is an integer from 0 to 255")
    if key != "exit_code" and (not isinstance(value, str) or not value):
        raise ValueError(f"{key} is a non-empty string")
    if key == "output_regex":
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"output_regex does not compile: {exc}") from None
    return expect


def judge(expect: dict, exit_code: int, output: str) -> tuple[bool, str]:
    """(passed, why it failed or '')."""
    key, value = next(iter(expect.items()))
    if key == "exit_code":
        return exit_code == value, "" if exit_code == value else f"exit status {exit_code}, expected {value}"
    if key == "output_contains":
        return value in output, "" if value in output else f"the output does not contain {value!r}"
    found = re.search(value, output) is not None
    return found, "" if found else f"the output does not match {value!r}"
