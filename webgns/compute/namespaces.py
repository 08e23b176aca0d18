"""Network namespaces: naming them and opening netlink (or plain) sockets inside them.

Division of labour: links, switches and offloads take a namespace as a *path* (`/proc/PID/ns/net`
for a container, `/var/run/netns/NAME` for `ip netns`, or None for the host namespace) and get
their sockets from here; they never see a container. That is what lets the kernel-test harness
run the same link code on plain namespaces inside user-mode-linux.

A socket belongs to the namespace its creating thread was in, and keeps it. So instead of
pyroute2's `IPRoute(netns=...)`, which forks a helper process (~11 ms here), the calling thread
enters the namespace with setns(2), opens the socket and comes back (~0.6 ms). setns with
CLONE_NEWNET changes only the calling thread, so other threads are unaffected.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import socket
from collections.abc import Iterator
from typing import Any

from pyroute2 import IPRoute, NetlinkError

from webgns.compute.errors import NamespaceUnavailable

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def netns_path(pid: int) -> str:
    """The network namespace of process `pid`, as a path any of our functions accept."""
    return f"/proc/{pid}/ns/net"


def describe(netns: str | None) -> str:
    """How to name a namespace in a message to the user."""
    return f"namespace {netns}" if netns else "the host namespace"


def netns_fd(netns: str | None) -> int:
    """An open descriptor of `netns` (None: the calling thread's own); the caller closes it."""
    if netns is None:
        return os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.open(netns, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError as error:
        raise NamespaceUnavailable(f"{describe(netns)} does not exist (is the node running?)") from error
    except OSError as error:
        raise NamespaceUnavailable(f"cannot open {describe(netns)}: {error.strerror}") from error


@contextlib.contextmanager
def entered(netns: str | None) -> Iterator[None]:
    """Run the body with the calling thread inside `netns` (None: stay where it is).

    Only open sockets in the body; anything slower would hold the thread in a foreign namespace.
    """
    if netns is None:
        yield
        return
    target = netns_fd(netns)
    own = netns_fd(None)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            code = ctypes.get_errno()
            raise NamespaceUnavailable(f"cannot enter {describe(netns)}: {os.strerror(code)}")
        try:
            yield
        finally:
            if _libc.setns(own, CLONE_NEWNET) != 0:
                # A thread stuck in a lab's namespace would run later work in the wrong place.
                raise RuntimeError(f"cannot return to own network namespace: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(target)
        os.close(own)


def open_iproute(netns: str | None) -> IPRoute:
    """An IPRoute whose socket lives in `netns`. Use it from one thread only (pyroute2 #547)."""
    with entered(netns):
        return IPRoute()


def open_socket(netns: str | None, family: int = socket.AF_INET, kind: int = socket.SOCK_DGRAM) -> socket.socket:
    """A plain socket inside `netns`, e.g. for ethtool ioctls on an interface there."""
    with entered(netns):
        return socket.socket(family, kind)


class NetlinkSessions:
    """One IPRoute per namespace, opened on first use and closed together.

    `plumb_links` wires hundreds of links touching the same namespaces; opening each namespace
    once per call rather than once per link keeps a link near the cost of its one veth request.
    Not thread-safe by design: a session belongs to the thread that made it.
    """

    def __init__(self) -> None:
        self._open: dict[str | None, IPRoute] = {}

    def __enter__(self) -> NetlinkSessions:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, netns: str | None) -> IPRoute:
        ipr = self._open.get(netns)
        if ipr is None:
            ipr = self._open[netns] = open_iproute(netns)
        return ipr

    def forget(self, netns: str | None) -> None:
        """Drop a session whose namespace may be gone (a node that stopped meanwhile)."""
        ipr = self._open.pop(netns, None)
        if ipr is not None:
            ipr.close()

    def close(self) -> None:
        for ipr in self._open.values():
            ipr.close()
        self._open.clear()


def find_interface(ipr: IPRoute, ifname: str) -> Any | None:
    """The RTM_NEWLINK message describing `ifname` in `ipr`'s namespace, or None if absent."""
    try:
        found = ipr.link("get", ifname=ifname)
    except NetlinkError as error:
        if error.code == errno.ENODEV:
            return None
        raise
    return found[0] if found else None
