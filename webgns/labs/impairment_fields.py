"""Impairment input: field ranges, per-direction normalisation, and what each field needs of the host.

API input may give fields at the top level (both directions) and under "a_to_b"/"b_to_a"
(that direction, overriding the top level). Storage and output always hold the two directions.
A PATCH replaces the whole impairment, so `{}` restores the plain link.
"""

import math
from collections.abc import Mapping

from rest_framework import serializers

from webgns.contract import impairment_ranges
from webgns.contract.impairment_ranges import DIRECTIONS, NETEM_FIELDS  # noqa: F401 - re-exported

# field: (minimum, maximum, unit): the one table the engine and the editor use too.
RANGES = impairment_ranges.RANGES


def _number(field: str, value: object) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise serializers.ValidationError({field: ["Must be a number."]})
    low, high, unit = RANGES[field]
    if isinstance(value, float) and not math.isfinite(value):  # JSON's 1e400 parses as infinity
        raise serializers.ValidationError({field: [f"Must be a finite number between {low:g} and {high:g} {unit}."]})
    if field == "rate_kbps":
        if value == 0:
            return None  # 0 means "no limit", like leaving it out
        if int(value) != value:
            raise serializers.ValidationError({field: ["Must be a whole number of kbit/s."]})
        value = int(value)
    if not low <= value <= high:
        raise serializers.ValidationError({field: [f"Must be between {low:g} and {high:g} {unit}."]})
    return value or None


def _direction(values: Mapping, where: str) -> dict:
    if not isinstance(values, Mapping):
        raise serializers.ValidationError({where: ["Must be an object of impairment fields."]})
    unknown = sorted(set(values) - set(RANGES))
    if unknown:
        raise serializers.ValidationError({where: [f"Unknown field(s): {', '.join(unknown)}."]})
    clean = {}
    for field, value in values.items():
        number = _number(field, value)
        if number is not None:
            clean[field] = number
    if clean.get("jitter_ms") and not clean.get("delay_ms"):
        raise serializers.ValidationError({"jitter_ms": ["Jitter needs a delay_ms above 0 in the same direction."]})
    if clean.get("reorder_pct") and not clean.get("delay_ms"):
        raise serializers.ValidationError(
            {"reorder_pct": ["Reordering needs a delay_ms above 0: netem reorders by sending some packets early."]}
        )
    return clean


def normalise(data: object) -> dict:
    """API input -> {"a_to_b": {...}, "b_to_a": {...}} holding only the fields that are set."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise serializers.ValidationError(["Must be an object."])
    unknown = sorted(set(data) - set(RANGES) - set(DIRECTIONS))
    if unknown:
        raise serializers.ValidationError([f"Unknown field(s): {', '.join(unknown)}."])
    both = {k: v for k, v in data.items() if k in RANGES}
    result = {}
    for direction in DIRECTIONS:
        given = data.get(direction) or {}
        if not isinstance(given, Mapping):
            raise serializers.ValidationError({direction: ["Must be an object of impairment fields."]})
        merged = {**both, **given}
        result[direction] = _direction(merged, direction)
    return result


def netem_fields_used(impairment: Mapping) -> list[str]:
    return sorted({f for d in DIRECTIONS for f in impairment.get(d, {}) if f in NETEM_FIELDS})
