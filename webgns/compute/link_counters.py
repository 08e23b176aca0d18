"""Link load: the kernel's own counters of every link end, turned into rates per direction.

Division of labour: this module reads counters and computes rates; it is told where each link's
ends are (`LabEngine.link_ends`) and keeps the previous reading to difference against. Nothing is
added to the data path: the counters are the veth ends' 64-bit stats, read with one RTM_GETSTATS
dump per namespace (`netlink_stats`; a node's namespace holds all its ends, so a lab costs one
dump per node per sample, whatever its link count), plus the root qdisc's drop count for links
that carry an impairment (a pyroute2 qdisc dump of their ends' namespaces).

Direction `a_to_b` is what a's end transmitted (its `tx_*`); its drops are a's transmit drops,
a's root qdisc drops (a rate limit that overflows) and b's receive drops. `b_to_a` mirrors it.
A link between two hosts is read at its a end alone (`halves`): `b_to_a` is then what a received,
and the far host's drops are not counted.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from pyroute2 import NetlinkError

from webgns.compute.errors import NamespaceUnavailable
from webgns.compute.links import LinkEnd
from webgns.compute.namespaces import NetlinkSessions
from webgns.compute.netlink_stats import StatsSocket

TC_H_ROOT = 0xFFFFFFFF


@dataclass(frozen=True)
class EndCounters:
    tx_bytes: int = 0
    tx_packets: int = 0
    rx_bytes: int = 0
    rx_packets: int = 0
    tx_dropped: int = 0
    rx_dropped: int = 0
    errors: int = 0
    qdisc_drops: int = 0


@dataclass(frozen=True)
class DirectionCounters:
    bytes: int
    packets: int
    drops: int
    errors: int


def _direction(sender: EndCounters, receiver: EndCounters) -> DirectionCounters:
    return DirectionCounters(sender.tx_bytes, sender.tx_packets,
                             sender.tx_dropped + sender.qdisc_drops + receiver.rx_dropped,
                             sender.errors + receiver.errors)


def _received(end: EndCounters) -> DirectionCounters:
    """What arrived at `end` from a sender whose counters are on another host."""
    return DirectionCounters(end.rx_bytes, end.rx_packets, end.rx_dropped, end.errors)


class CounterReader:
    """Reads (a_to_b, b_to_a) counters of links, keeping one stats socket per namespace between samples.

    Not thread-safe: one sampler thread owns it. `close()` closes every socket it opened.
    """

    def __init__(self) -> None:
        self._sockets: dict[str | None, StatsSocket] = {}
        self._indexes: dict[tuple[str | None, str], int] = {}
        self._sessions = NetlinkSessions()  # pyroute2, for the qdisc dumps of impaired ends only

    def close(self) -> None:
        for sock in self._sockets.values():
            sock.close()
        self._sockets.clear()
        self._indexes.clear()
        self._sessions.close()

    def _socket(self, netns: str | None) -> StatsSocket | None:
        sock = self._sockets.get(netns)
        if sock is not None and not sock.current():
            self._forget(netns)
            sock = None
        if sock is None:
            try:
                sock = self._sockets[netns] = StatsSocket(netns)
            except (NamespaceUnavailable, OSError):
                return None
        return sock

    def _forget(self, netns: str | None) -> None:
        sock = self._sockets.pop(netns, None)
        if sock is not None:
            sock.close()
        self._sessions.forget(netns)
        for key in [k for k in self._indexes if k[0] == netns]:
            del self._indexes[key]

    def _index(self, sock: StatsSocket, ifname: str) -> int | None:
        key = (sock.netns, ifname)
        if key not in self._indexes:
            found = sock.index(ifname)
            if found is None:
                return None
            self._indexes[key] = found
        return self._indexes[key]

    def _qdisc_drops(self, netns: str | None) -> dict[int, int]:
        drops: dict[int, int] = {}
        try:
            for qdisc in self._sessions.get(netns).get_qdiscs():
                if qdisc["parent"] == TC_H_ROOT:
                    drops[qdisc["index"]] = int((qdisc.get_attr("TCA_STATS") or {}).get("drop", 0))
        except (NamespaceUnavailable, NetlinkError, OSError):
            self._sessions.forget(netns)
        return drops

    def read(self, ends: Mapping[str, tuple[LinkEnd, LinkEnd]], shaped: Collection[str] = (),
             halves: Mapping[str, LinkEnd] | None = None) -> dict[str, tuple[DirectionCounters, DirectionCounters]]:
        """Counters of every link whose two ends are found, and of the links of `halves` (a end
        only: links to another host); `shaped` names the links with a qdisc to count drops of."""
        halves = halves or {}
        wanted = {end.netns for pair in ends.values() for end in pair} | {end.netns for end in halves.values()}
        for stale in set(self._sockets) - wanted:
            self._forget(stale)
        readings: dict[str | None, dict[int, dict[str, int]]] = {}
        for netns in wanted:
            sock = self._socket(netns)
            if sock is None:
                continue
            try:
                readings[netns] = sock.read()
            except OSError:
                self._forget(netns)
        shaped_ends = [end for link_id in shaped for end in (ends.get(link_id) or ())]
        shaped_ends += [halves[link_id] for link_id in shaped if link_id in halves]
        drops = {netns: self._qdisc_drops(netns) for netns in {end.netns for end in shaped_ends} if netns in readings}
        out = {}
        for link_id, (a, b) in ends.items():
            end_a, end_b = self._end(a, readings, drops), self._end(b, readings, drops)
            if end_a is None or end_b is None:
                continue
            out[link_id] = (_direction(end_a, end_b), _direction(end_b, end_a))
        for link_id, a in halves.items():
            end_a = self._end(a, readings, drops)
            if end_a is not None:
                out[link_id] = (_direction(end_a, EndCounters()), _received(end_a))
        return out

    def _end(self, end: LinkEnd, readings: dict, drops: dict) -> EndCounters | None:
        sock = self._sockets.get(end.netns)
        if sock is None or end.netns not in readings:
            return None
        index = self._index(sock, end.ifname)
        stats = readings[end.netns].get(index) if index is not None else None
        if stats is None:
            self._indexes.pop((end.netns, end.ifname), None)  # re-made under a new index: look it up again
            return None
        return EndCounters(stats["tx_bytes"], stats["tx_packets"], stats["rx_bytes"], stats["rx_packets"],
                           stats["tx_dropped"], stats["rx_dropped"], stats["tx_errors"] + stats["rx_errors"],
                           drops.get(end.netns, {}).get(index, 0))


@dataclass
class LoadMeter:
    """Rates from successive readings: `rates(reading)` → {link: {"a_to_b": {...}, "b_to_a": {...}}}."""

    previous: dict[str, tuple[DirectionCounters, DirectionCounters]] = field(default_factory=dict)
    previous_time: float = 0.0

    def rates(self, reading: Mapping[str, tuple[DirectionCounters, DirectionCounters]],
              now: float | None = None) -> dict[str, dict[str, dict[str, float]]]:
        now = time.monotonic() if now is None else now
        elapsed = now - self.previous_time if self.previous_time else 0.0
        out: dict[str, dict[str, dict[str, float]]] = {}
        for link_id, pair in reading.items():
            before = self.previous.get(link_id)
            if before is None or elapsed <= 0:
                continue  # a first reading has nothing to difference against
            out[link_id] = {name: _rate(old, new, elapsed)
                            for name, old, new in zip(("a_to_b", "b_to_a"), before, pair, strict=True)}
        self.previous, self.previous_time = dict(reading), now
        return out


def _rate(old: DirectionCounters, new: DirectionCounters, elapsed: float) -> dict[str, float]:
    def per_second(a: int, b: int) -> float:
        return max(0, b - a) / elapsed  # a re-made link restarts its counters at zero

    return {"bps": round(per_second(old.bytes, new.bytes) * 8), "pps": round(per_second(old.packets, new.packets), 1),
            "drops": round(per_second(old.drops, new.drops), 1), "errors": round(per_second(old.errors, new.errors), 1)}
