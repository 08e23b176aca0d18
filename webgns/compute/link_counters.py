"""Link load: the kernel's own counters of every link end, turned into rates per direction.

Division of labour: this module reads counters and computes rates; it is told where each link's
ends are (`LabEngine.link_ends`) and keeps the previous reading to difference against. Nothing is
added to the data path: the counters are the veth ends' `IFLA_STATS64` and their root qdiscs'
drop counts, read with one link dump and one qdisc dump per namespace (a node's namespace holds
all its ends, so a lab costs two netlink dumps per node per sample, whatever its link count).

Direction `a_to_b` is what a's end transmitted (its `tx_*`); its drops are a's transmit drops,
a's root qdisc drops (a rate limit that overflows) and b's receive drops. `b_to_a` mirrors it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyroute2 import NetlinkError

from webgns.compute.errors import NamespaceUnavailable
from webgns.compute.links import LinkEnd
from webgns.compute.namespaces import NetlinkSessions

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


def _read_namespace(sessions: NetlinkSessions, netns: str | None) -> dict[str, EndCounters]:
    ipr = sessions.get(netns)
    drops: dict[int, int] = {}
    for qdisc in ipr.get_qdiscs():
        if qdisc["parent"] == TC_H_ROOT:
            stats = qdisc.get_attr("TCA_STATS") or {}
            drops[qdisc["index"]] = int(stats.get("drop", 0))
    found: dict[str, EndCounters] = {}
    for link in ipr.get_links():
        stats = link.get_attr("IFLA_STATS64")
        name = link.get_attr("IFLA_IFNAME")
        if stats is None or name is None:
            continue
        found[name] = EndCounters(
            stats["tx_bytes"], stats["tx_packets"], stats["rx_bytes"], stats["rx_packets"], stats["tx_dropped"],
            stats["rx_dropped"], stats["tx_errors"] + stats["rx_errors"], drops.get(link["index"], 0))
    return found


def read_counters(sessions: NetlinkSessions, ends: Mapping[str, tuple[LinkEnd, LinkEnd]]
                  ) -> dict[str, tuple[DirectionCounters, DirectionCounters]]:
    """(a_to_b, b_to_a) counters of every link whose two ends are found; links with a missing end are absent."""
    namespaces = {end.netns for pair in ends.values() for end in pair}
    readings: dict[str | None, dict[str, EndCounters]] = {}
    for netns in namespaces:
        try:
            readings[netns] = _read_namespace(sessions, netns)
        except (NamespaceUnavailable, NetlinkError, OSError):
            sessions.forget(netns)  # a node that stopped: its namespace is gone or going
    out = {}
    for link_id, (a, b) in ends.items():
        end_a = readings.get(a.netns, {}).get(a.ifname)
        end_b = readings.get(b.netns, {}).get(b.ifname)
        if end_a is None or end_b is None:
            continue
        out[link_id] = (_direction(end_a, end_b), _direction(end_b, end_a))
    return out


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
