"""Link impairment fields: the one table of their ranges and units, and which need netem.

The API refuses a value outside these ranges with a 400 naming the field, the engine refuses it
before it touches the kernel, and the editor checks its inputs against the same numbers, which
`GET /api/compute/` serves as `impairment_ranges` (see `served_ranges`).
"""

from typing import NamedTuple


class FieldRange(NamedTuple):
    """Inclusive bounds of one field, in `unit`."""

    low: float
    high: float
    unit: str


RANGES: dict[str, FieldRange] = {
    "delay_ms": FieldRange(0, 60_000, "ms"),
    "jitter_ms": FieldRange(0, 60_000, "ms"),
    "loss_pct": FieldRange(0, 100, "%"),
    "corrupt_pct": FieldRange(0, 100, "%"),
    "duplicate_pct": FieldRange(0, 100, "%"),
    "reorder_pct": FieldRange(0, 100, "%"),
    # netem and tbf carry the rate in a u32 of bytes per second (34.3 Gbit/s at most); below
    # 8 kbit/s (1000 bytes/s) a full-size frame takes over a second and tbf's bucket math degrades.
    # 0 or null means "no limit".
    "rate_kbps": FieldRange(8, 34_000_000, "kbit/s"),
}

# Fields only the netem qdisc (sch_netem) can apply; the rate alone works with tbf.
NETEM_FIELDS: tuple[str, ...] = ("delay_ms", "jitter_ms", "loss_pct", "corrupt_pct", "duplicate_pct", "reorder_pct")
# Whole numbers only: the kernel takes the rate in bytes per second.
INTEGER_FIELDS: tuple[str, ...] = ("rate_kbps",)
DIRECTIONS: tuple[str, ...] = ("a_to_b", "b_to_a")


def served_ranges() -> dict[str, dict]:
    """The table as the API serves it: `{"delay_ms": {"min": 0, "max": 60000, "unit": "ms", "needs": "netem",
    "integer": false}, ...}`."""
    return {
        name: {"min": r.low, "max": r.high, "unit": r.unit, "needs": "netem" if name in NETEM_FIELDS else "rate",
               "integer": name in INTEGER_FIELDS}
        for name, r in RANGES.items()
    }
