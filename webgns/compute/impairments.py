"""Link impairments: the egress qdisc of one veth end, made to match an `Impairment`.

Division of labour: links.py creates the veth ends and calls `apply_impairment` once per end
(a→b lives on a's end, b→a on b's end); this module owns nothing but the root qdisc of that one
interface. capabilities.py tells the UI up front what the kernel can do; this module asks the
kernel again at apply time (it is the authority) and raises `NetemUnavailable` when it says no.

The root qdisc is always a single qdisc, so that every change is one atomic netlink request:
- nothing set         → no root qdisc (the interface's default, `noqueue` on a veth);
- only `rate_kbps`    → `tbf`, which every kernel has, so rate limits work without sch_netem;
- any netem field     → `netem`, carrying the rate too (netem's own rate), so delay and rate
                        never need a two-qdisc tree that would be half-built between two requests.
"""

from __future__ import annotations

import contextlib
import errno
import math
import platform
from collections.abc import Iterator
from typing import Any

from pyroute2 import IPRoute, NetlinkError
from pyroute2.netlink import NLM_F_ACK, NLM_F_CREATE, NLM_F_REPLACE, NLM_F_REQUEST
from pyroute2.netlink.rtnl import RTM_NEWQDISC, TC_H_ROOT
from pyroute2.netlink.rtnl.tcmsg import common as tc_common
from pyroute2.netlink.rtnl.tcmsg import sched_netem, sched_tbf, tcmsg

from webgns.compute.errors import EngineError
from webgns.compute.namespaces import describe, open_iproute
from webgns.compute.specs import Impairment
from webgns.contract import impairment_ranges

# Inclusive ranges the engine accepts: the same table the API validates against (webgns.contract).
FIELD_RANGES = impairment_ranges.RANGES

# netem's queue holds every packet still "on the wire" (delay x packet rate). An unshaped veth
# end is sized as if it were a 1 Gbit/s link of full-size frames, with headroom for bursts; the
# kernel's default of 1000 packets would drop traffic on a fast link with tens of ms of delay.
ASSUMED_LINE_RATE_BYTES_PER_S = 1_000_000_000 // 8
FRAME_BYTES = 1514
NETEM_MIN_LIMIT = 1000
NETEM_MAX_LIMIT = 1_000_000
NETEM_LIMIT_HEADROOM = 2

# tbf: the bucket holds 10 ms of traffic (at least two full frames, so a frame always fits) and
# the queue at most 50 ms of it, which keeps a shaped link's added latency bounded.
TBF_BURST_SECONDS = 0.010
TBF_MIN_BURST_BYTES = 2 * FRAME_BYTES
TBF_LATENCY_US = 50_000

ROOT_HANDLES = (0x10000, 0x20000)  # "1:" and "2:"; see _pick_handle


class ImpairmentError(EngineError):
    """An impairment could not be applied or read; the message says why, for the user."""


class InvalidImpairment(ImpairmentError, ValueError):
    """A field is outside the range the kernel qdiscs can carry."""


class NetemUnavailable(ImpairmentError):
    """The impairment needs sch_netem and this host's kernel does not have it."""


class InterfaceNotFound(ImpairmentError):
    """The interface to shape does not exist in its namespace (link gone or not yet made)."""


def apply_impairment(netns: str | None, ifname: str, imp: Impairment, session: IPRoute | None = None) -> None:
    """Make the egress root qdisc of `ifname` in `netns` match `imp` (None = host namespace).

    Idempotent. Changes use replace, never delete-then-add, so a live link is never unshaped in
    between; when the kernel refuses (no sch_netem), the previous qdisc is left as it was.
    `session`: an IPRoute already open in `netns` (e.g. from NetlinkSessions), to skip opening one.
    """
    validate_impairment(imp)
    with _session(netns, session) as ipr:
        index = _index(ipr, netns, ifname)
        current = _root_qdisc(ipr, index)
        if imp.is_empty:
            _clear(ipr, index, current)
            return
        kind, options = _netem_request(imp) if imp.needs_netem else _tbf_request(imp)
        handle = _pick_handle(current, kind)
        try:
            _replace_root(ipr, index, handle, kind, options)
        except NetlinkError as error:
            if kind == "netem" and error.code == errno.ENOENT:
                raise NetemUnavailable(netem_missing_message(imp)) from error
            raise ImpairmentError(
                f"the kernel refused the {kind} qdisc on {ifname} ({describe(netns)}): {error}"
            ) from error


def read_impairment(netns: str | None, ifname: str, session: IPRoute | None = None) -> dict[str, Any]:
    """What the kernel reports over netlink for the root qdisc of `ifname`.

    Keys named like `Impairment`'s fields hold the values decoded back into the same units, so
    `Impairment.from_dict(read_impairment(...))` gives what is in force. `kind` is None on a
    plain link; `limit` is in packets for netem and in bytes for tbf.
    """
    with _session(netns, session) as ipr:
        qdisc = _root_qdisc(ipr, _index(ipr, netns, ifname))
    if qdisc is None:
        return {"kind": None}
    kind = qdisc.get_attr("TCA_KIND")
    handle = qdisc["handle"]
    report: dict[str, Any] = {"kind": kind, "handle": f"{handle >> 16:x}:"}
    options = qdisc.get_attr("TCA_OPTIONS") or {}
    if kind == "netem":
        report.update(_decode_netem(options))
    elif kind == "tbf":
        report.update(_decode_tbf(options))
    return report


def validate_impairment(imp: Impairment) -> None:
    for name, (low, high, _unit) in FIELD_RANGES.items():
        value = getattr(imp, name)
        if value is None or (name == "rate_kbps" and value == 0):
            continue
        if not isinstance(value, int | float) or math.isnan(value) or not low <= value <= high:
            raise InvalidImpairment(f"{name} must be between {low:g} and {high:g}, not {value!r}")


def netem_missing_message(imp: Impairment) -> str:
    names = [name for name in Impairment.NETEM_FIELDS if getattr(imp, name)]
    verb = "needs" if len(names) == 1 else "need"
    return (
        f"{' and '.join(names)} {verb} the sch_netem kernel module, which this host's kernel "
        f"({platform.release()}) lacks; only rate_kbps works here"
    )


@contextlib.contextmanager
def _session(netns: str | None, session: IPRoute | None) -> Iterator[IPRoute]:
    if session is not None:
        yield session
        return
    ipr = open_iproute(netns)
    try:
        yield ipr
    finally:
        ipr.close()


def _index(ipr: IPRoute, netns: str | None, ifname: str) -> int:
    found = ipr.link_lookup(ifname=ifname)
    if not found:
        raise InterfaceNotFound(f"interface {ifname} does not exist in {describe(netns)}")
    return found[0]


def _root_qdisc(ipr: IPRoute, index: int) -> Any | None:
    for qdisc in ipr.tc("dump", index=index):
        # handle 0 is the built-in default (noqueue, pfifo_fast...), which cannot be replaced in place.
        if qdisc["index"] == index and qdisc["parent"] == TC_H_ROOT and qdisc["handle"]:
            return qdisc
    return None


def _pick_handle(current: Any | None, kind: str) -> int:
    """Same handle to change a qdisc of the same kind in place (keeping its queued packets);
    otherwise the other handle, because the kernel refuses to replace a qdisc by one of
    another kind under the same handle, but grafts a new handle atomically over the old."""
    if current is None:
        return ROOT_HANDLES[0]
    if current.get_attr("TCA_KIND") == kind:
        return current["handle"]
    return ROOT_HANDLES[1] if current["handle"] == ROOT_HANDLES[0] else ROOT_HANDLES[0]


def _clear(ipr: IPRoute, index: int, current: Any | None) -> None:
    if current is None:
        return
    try:
        ipr.tc("del", index=index, handle=current["handle"], parent=TC_H_ROOT)
    except NetlinkError as error:
        if error.code not in (errno.ENOENT, errno.EINVAL):  # already gone: that is the goal
            raise


def _replace_root(ipr: IPRoute, index: int, handle: int, kind: str, options: dict) -> None:
    # Built by hand rather than through ipr.tc(): pyroute2 leaves out netem's zero-valued
    # attributes, and netem's change keeps the old corrupt/reorder/rate when they are absent.
    msg = tcmsg()
    msg["index"] = index
    msg["handle"] = handle
    msg["parent"] = TC_H_ROOT
    msg["attrs"] = [["TCA_KIND", kind], ["TCA_OPTIONS", options]]
    msg["header"]["type"] = RTM_NEWQDISC
    msg["header"]["flags"] = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE
    # nlm_request_batch, not nlm_request: the latter's sync wrapper is broken in pyroute2 0.9.7.
    ipr.nlm_request_batch([msg])


def _netem_request(imp: Impairment) -> tuple[str, dict]:
    rate_bytes = (imp.rate_kbps or 0) * 125
    options = sched_netem.get_parameters(
        {
            "delay": round(imp.delay_ms * 1000),
            "jitter": round(imp.jitter_ms * 1000),
            "loss": imp.loss_pct,
            "duplicate": imp.duplicate_pct,
            "limit": _netem_limit(imp),
        }
    )
    options["delay"] = int(options["delay"])
    options["jitter"] = int(options["jitter"])
    # Every optional attribute is sent, zeros included, so a change clears what was set before.
    options["attrs"] = [
        ["TCA_NETEM_CORR", {"delay_corr": 0, "loss_corr": 0, "dup_corr": 0}],
        ["TCA_NETEM_REORDER", {"prob_reorder": tc_common.percent2u32(imp.reorder_pct), "corr_reorder": 0}],
        ["TCA_NETEM_CORRUPT", {"prob_corrupt": tc_common.percent2u32(imp.corrupt_pct), "corr_corrupt": 0}],
        [
            "TCA_NETEM_RATE",
            {"rate": rate_bytes, "packet_overhead": 0, "cell_size": 0, "cell_overhead": 0},
        ],
    ]
    # netem reorders only with gap >= 1 ("every gap-th packet may jump the queue").
    options["gap"] = 1 if imp.reorder_pct else 0
    return "netem", options


def _netem_limit(imp: Impairment) -> int:
    bytes_per_s = imp.rate_kbps * 125 if imp.rate_kbps else ASSUMED_LINE_RATE_BYTES_PER_S
    in_flight_s = (imp.delay_ms + imp.jitter_ms) / 1000
    packets = math.ceil(bytes_per_s * in_flight_s / FRAME_BYTES) * NETEM_LIMIT_HEADROOM
    return min(NETEM_MAX_LIMIT, max(NETEM_MIN_LIMIT, packets))


def _tbf_request(imp: Impairment) -> tuple[str, dict]:
    rate_bytes = imp.rate_kbps * 125
    burst = max(TBF_MIN_BURST_BYTES, int(rate_bytes * TBF_BURST_SECONDS))
    options = sched_tbf.get_parameters({"rate": rate_bytes, "burst": burst, "latency": TBF_LATENCY_US})
    return "tbf", options


def _ticks_to_ms(ticks: int) -> float:
    return round(ticks / tc_common.tick_in_usec / 1000, 3)


def _u32_to_pct(value: int) -> float:
    return round(value * 100 / (2**32 - 1), 4)


def _decode_netem(options: Any) -> dict[str, Any]:
    reorder = options.get_attr("TCA_NETEM_REORDER") or {}
    corrupt = options.get_attr("TCA_NETEM_CORRUPT") or {}
    rate = options.get_attr("TCA_NETEM_RATE") or {}
    rate_bytes = rate.get("rate", 0)
    return {
        "delay_ms": _ticks_to_ms(options["delay"]),
        "jitter_ms": _ticks_to_ms(options["jitter"]),
        "loss_pct": _u32_to_pct(options["loss"]),
        "duplicate_pct": _u32_to_pct(options["duplicate"]),
        "corrupt_pct": _u32_to_pct(corrupt.get("prob_corrupt", 0)),
        "reorder_pct": _u32_to_pct(reorder.get("prob_reorder", 0)) if options["gap"] else 0.0,
        "rate_kbps": rate_bytes * 8 // 1000 if rate_bytes else None,
        "limit": options["limit"],
        "gap": options["gap"],
    }


def _decode_tbf(options: Any) -> dict[str, Any]:
    parms = options.get_attr("TCA_TBF_PARMS") or {}
    rate_bytes = parms.get("rate", 0)
    buffer_us = parms.get("buffer", 0) / tc_common.tick_in_usec
    return {
        "rate_kbps": rate_bytes * 8 // 1000,
        "burst_bytes": round(rate_bytes * buffer_us / 1_000_000),
        "limit": parms.get("limit", 0),
    }
