"""Interface counters of a namespace in one RTM_GETSTATS dump, parsed with `struct`.

Division of labour: link-load sampling reads every link end's counters every second; through pyroute2's
general message parser that costs ~1 ms per namespace here (`bench/bench_capture.py`), most of it
decoding attributes nobody reads. RTM_GETSTATS with only IFLA_STATS_LINK_64 asked for returns one
small message per interface (an index and `struct rtnl_link_stats64`), which this module reads by
offset. Names are mapped to indexes with SIOCGIFINDEX on the same socket, once per end. Everything else
about netlink stays pyroute2's.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import struct

from webgns.compute.namespaces import entered

NETLINK_ROUTE = 0
RTM_NEWSTATS = 92
RTM_GETSTATS = 94
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
IFLA_STATS_LINK_64 = 1
_HEADER = struct.Struct("=IHHII")  # nlmsghdr: len, type, flags, seq, pid
_STATS_MSG = struct.Struct("=BBHII")  # if_stats_msg: family, pad1, pad2, ifindex, filter_mask
_ATTR = struct.Struct("=HH")
# struct rtnl_link_stats64's first eight fields, in order.
STATS_FIELDS = ("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped",
                "tx_dropped")
_STATS64 = struct.Struct("=8Q")
SIOCGIFINDEX = 0x8933


class StatsSocket:
    """A netlink socket opened inside one namespace, answering `read()` → {ifindex: {field: value}}."""

    def __init__(self, netns: str | None) -> None:
        self.netns = netns
        self.identity = identity(netns)
        with entered(netns):
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.seq = 0

    def current(self) -> bool:
        """Whether the path still names the namespace this socket lives in (a stopped node's does not).

        Our socket alone keeps a dead node's namespace, and the veth ends in it, alive: its owner closes it.
        """
        return identity(self.netns) == self.identity

    def index(self, ifname: str) -> int | None:
        """The interface's index in this socket's namespace (the ioctl is answered there), None if absent."""
        try:
            reply = fcntl.ioctl(self.sock.fileno(), SIOCGIFINDEX, struct.pack("16si12x", ifname.encode(), 0))
        except OSError as error:
            if error.errno == errno.ENODEV:
                return None
            raise
        return struct.unpack_from("16si", reply)[1]

    def close(self) -> None:
        self.sock.close()

    def read(self) -> dict[int, dict[str, int]]:
        self.seq += 1
        body = _STATS_MSG.pack(socket.AF_UNSPEC, 0, 0, 0, 1 << (IFLA_STATS_LINK_64 - 1))
        self.sock.send(_HEADER.pack(_HEADER.size + len(body), RTM_GETSTATS, NLM_F_REQUEST | NLM_F_DUMP, self.seq, 0)
                       + body)
        found: dict[int, dict[str, int]] = {}
        while True:
            data = self.sock.recv(1 << 16)
            offset = 0
            while offset + _HEADER.size <= len(data):
                length, kind, _flags, seq, _pid = _HEADER.unpack_from(data, offset)
                if length < _HEADER.size:
                    return found
                if seq == self.seq:
                    if kind == NLMSG_DONE:
                        return found
                    if kind == NLMSG_ERROR:
                        code = -struct.unpack_from("=i", data, offset + _HEADER.size)[0]
                        raise OSError(code, f"RTM_GETSTATS: {os.strerror(code)}")
                    if kind == RTM_NEWSTATS:
                        self._parse(data, offset, length, found)
                offset += (length + 3) & ~3

    @staticmethod
    def _parse(data: bytes, offset: int, length: int, found: dict[int, dict[str, int]]) -> None:
        start = offset + _HEADER.size
        index = _STATS_MSG.unpack_from(data, start)[3]
        at, end = start + _STATS_MSG.size, offset + length
        while at + _ATTR.size <= end:
            size, kind = _ATTR.unpack_from(data, at)
            if size < _ATTR.size:
                return
            if kind & 0x3FFF == IFLA_STATS_LINK_64 and size >= _ATTR.size + _STATS64.size:
                found[index] = dict(zip(STATS_FIELDS, _STATS64.unpack_from(data, at + _ATTR.size), strict=True))
                return
            at += (size + 3) & ~3


def identity(netns: str | None) -> tuple[int, int] | None:
    if netns is None:
        return None
    try:
        found = os.stat(netns)
    except OSError:
        return (-1, -1)
    return (found.st_dev, found.st_ino)
