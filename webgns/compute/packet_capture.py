"""Packet capture on one link end: an AF_PACKET socket opened inside the end's namespace.

Division of labour: this module owns one capture's socket and file. It is told where the end is
(namespace path + interface name, as `links.LinkEnd` says) and writes pcapng there as packets
arrive; the task layer decides when to start it, relays its progress and records its outcome.
Nothing runs inside the node, so any image works (busybox included): the socket is opened by a
thread that enters the namespace with setns(2) only for the `socket()` call, and keeps working
from home afterwards (a socket belongs to the namespace it was made in).

The capture filter is attached before the socket is bound to a protocol, so not one packet
escapes it. A capture ends by itself: on its limits (packets, bytes, seconds), on `stop()`, when
its interface is unregistered (link deleted, end parked because its node stops: the kernel
reports ENETDOWN and the index no longer resolves), or when the namespace's owner process is gone
(our socket alone would keep a dead node's namespace alive, so that is checked every tick).
Nothing is left behind: the socket is closed and the file is complete at every flush.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from webgns.compute.errors import EngineError, NamespaceUnavailable
from webgns.compute.namespaces import entered
from webgns.packets.bpf import SNAPLEN, Instruction
from webgns.packets.pcapng import INBOUND, OUTBOUND, PcapngWriter

ETH_P_ALL = 0x0003
SO_ATTACH_FILTER = 26
SO_TIMESTAMPNS = 35
SIOCGIFNAME = 0x8910
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6
RECEIVE_BUFFER = 8 << 20
TICK_SECONDS = 0.2

# Defaults, also stated in README.md; a caller may ask for less, never for more than the ceilings.
DEFAULT_MAX_PACKETS = 50_000
DEFAULT_MAX_BYTES = 64 << 20
DEFAULT_MAX_SECONDS = 600

# Why a capture ended (`CaptureResult.reason`).
STOPPED = "stopped"
PACKET_LIMIT = "packet limit"
BYTE_LIMIT = "byte limit"
TIME_LIMIT = "time limit"
INTERFACE_GONE = "interface gone"
NODE_GONE = "node stopped"
FAILED = "failed"


class CaptureFailed(EngineError):
    """The capture could not start (no such interface, namespace gone, kernel refused the filter)."""


@dataclass(frozen=True)
class CaptureLimits:
    packets: int = DEFAULT_MAX_PACKETS
    bytes: int = DEFAULT_MAX_BYTES
    seconds: float = DEFAULT_MAX_SECONDS


@dataclass(frozen=True)
class CaptureResult:
    reason: str
    packets: int
    bytes: int
    error: str = ""
    kernel_drops: int = 0  # packets the kernel could not queue to our socket (PACKET_STATISTICS)


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _attach_filter(sock: socket.socket, program: Sequence[Instruction]) -> None:
    instructions = (_SockFilter * len(program))(*[(i.code, i.jt, i.jf, i.k) for i in program])
    fprog = _SockFprog(len(program), ctypes.cast(instructions, ctypes.POINTER(_SockFilter)))
    # The kernel copies the program during the call; `instructions` is alive until it returns.
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, bytes(fprog))


def _interface_exists(sock: socket.socket, index: int) -> bool:
    """Whether `index` names a device in the socket's own namespace (the ioctl asks there)."""
    request = struct.pack("16si12x", b"", index)
    try:
        fcntl.ioctl(sock.fileno(), SIOCGIFNAME, request)
    except OSError as error:
        if error.errno == errno.ENODEV:
            return False
        raise
    return True


def _namespace_identity(netns: str | None) -> tuple[int, int] | None:
    if netns is None:
        return None
    try:
        found = os.stat(netns)
    except OSError:
        return (-1, -1)
    return (found.st_dev, found.st_ino)


class PacketCapture:
    """One capture: `open()` (raises CaptureFailed), then `run()` in a thread of its own; `stop()` from any."""

    def __init__(self, netns: str | None, ifname: str, path: str, program: Sequence[Instruction] = (),
                 limits: CaptureLimits = CaptureLimits(), description: str = "",
                 on_progress: Callable[[int, int], None] | None = None) -> None:
        self.netns = netns
        self.ifname = ifname
        self.path = path
        self.program = tuple(program)
        self.limits = limits
        self.description = description
        self.on_progress = on_progress
        self.packets = 0
        self.bytes = 0
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._index = 0
        self._identity: tuple[int, int] | None = None

    def open(self) -> None:
        """Make the socket in the end's namespace, filter attached, bound to the interface."""
        self._identity = _namespace_identity(self.netns)
        try:
            with entered(self.netns):
                sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)  # protocol 0: receives nothing yet
        except NamespaceUnavailable as error:
            raise CaptureFailed(f"cannot capture on {self.ifname}: {error}") from error
        try:
            if self.program:
                _attach_filter(sock, self.program)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            sock.bind((self.ifname, ETH_P_ALL))  # resolved in the socket's namespace
            self._index = socket.if_nametoindex(self.ifname) if self.netns is None else self._own_index(sock)
            sock.setblocking(False)
        except OSError as error:
            sock.close()
            if error.errno == errno.ENODEV:
                raise CaptureFailed(f"interface {self.ifname} does not exist (is the link up?)") from error
            raise CaptureFailed(f"the kernel refused a capture on {self.ifname}: {error.strerror}") from error
        self._sock = sock

    def _own_index(self, sock: socket.socket) -> int:
        # getsockname of a bound packet socket: (ifname, proto, pkttype, hatype, addr); the index is
        # not in it, so ask the namespace through the socket itself.
        with entered(self.netns):
            return socket.if_nametoindex(self.ifname)

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> CaptureResult:
        """Capture until a limit, `stop()`, or the interface/namespace goes; always closes the socket."""
        if self._sock is None:
            raise CaptureFailed("open() the capture first")
        sock = self._sock
        deadline = time.monotonic() + self.limits.seconds
        buffer = bytearray(SNAPLEN)
        ancillary = socket.CMSG_SPACE(16)
        reason = STOPPED
        try:
            with open(self.path, "wb") as file:
                writer = PcapngWriter(file, self.ifname, self.description, SNAPLEN)
                poller = select.poll()
                poller.register(sock, select.POLLIN | select.POLLERR)
                while reason == STOPPED:
                    if self._stop.is_set():
                        break
                    if time.monotonic() >= deadline:
                        reason = TIME_LIMIT
                        break
                    if _namespace_identity(self.netns) != self._identity:
                        reason = NODE_GONE
                        break
                    # ENETDOWN alone is not enough: after a "set down" the next unregister is silent.
                    if not _interface_exists(sock, self._index):
                        reason = INTERFACE_GONE
                        break
                    if not poller.poll(TICK_SECONDS * 1000):
                        continue
                    written = 0
                    while True:
                        try:
                            size, ancdata, _flags, address = sock.recvmsg_into([buffer], ancillary, socket.MSG_TRUNC)
                        except BlockingIOError:
                            break
                        except OSError as error:
                            if error.errno == errno.ENETDOWN:
                                if not _interface_exists(sock, self._index):
                                    reason = INTERFACE_GONE
                                break  # merely set down: the kernel re-binds us when it comes up
                            raise
                        captured = min(size, SNAPLEN)
                        stamp = _timestamp(ancdata)
                        direction = OUTBOUND if address[2] == PACKET_OUTGOING else INBOUND
                        self.bytes += writer.write(stamp, bytes(buffer[:captured]), size, direction)
                        self.packets += 1
                        written += 1
                        if self.packets >= self.limits.packets:
                            reason = PACKET_LIMIT
                            break
                        if self.bytes >= self.limits.bytes:
                            reason = BYTE_LIMIT
                            break
                    if written:
                        writer.flush()
                        if self.on_progress is not None:
                            self.on_progress(self.packets, self.bytes)
        except OSError as error:
            return CaptureResult(FAILED, self.packets, self.bytes, f"capture on {self.ifname} failed: {error}",
                                 _kernel_drops(sock))
        finally:
            drops = _kernel_drops(sock)
            sock.close()
            self._sock = None
        return CaptureResult(reason, self.packets, self.bytes, kernel_drops=drops)


def _kernel_drops(sock: socket.socket) -> int:
    """Packets dropped for this socket since it was opened (the kernel resets the count when read: read once)."""
    try:
        _received, dropped = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    except OSError:
        return 0
    return dropped


def _timestamp(ancdata: list) -> int:
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds * 1_000_000_000 + nanoseconds
    return time.time_ns()
