"""The API's JSON parser: DRF's, after a linear scan that refuses bodies nested too deep.

Python's json module recurses once per nesting level and raises RecursionError near 1000 levels
(a 500); a lab document never needs more than a handful. The scan skips string contents, so
brackets inside strings do not count, and runs before any recursion. Text holding NUL is refused
too, in any field: PostgreSQL cannot store it (a 500 there), and no lab setting needs it.
"""

import codecs
import re

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.utils import json

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str, stop_above: int) -> int:
    """How deep arrays/objects nest in `text` (JSON), stopping as soon as it passes `stop_above`."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - the body is not {encoding}: {exc}") from exc
        limit = settings.WEBGNS_MAX_JSON_DEPTH
        if nesting_depth(text, limit) > limit:
            raise ParseError(f"JSON nested deeper than the depth limit of {limit} levels (WEBGNS_MAX_JSON_DEPTH).")
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if "\\u0000" in text.lower() and holds_nul(data):  # the cheap look first: NUL arrives escaped
            message = "Text may not contain NUL (\\u0000) characters."
            fields = [k for k, v in data.items() if holds_nul(k) or holds_nul(v)] if isinstance(data, dict) else []
            raise ValidationError({fields[0]: [message]} if fields else {"detail": message})
        return data


def holds_nul(value: object) -> bool:
    """Whether any string in a parsed JSON value (keys included) contains NUL; bounded by the depth limit."""
    if isinstance(value, str):
        return "\0" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False


class RawBody:
    """A request body kept as bytes for the view to read (a YAML topology, a .tar.gz folder)."""

    def __init__(self, content: bytes, media_type: str) -> None:
        self.content = content
        self.media_type = media_type

    def get(self, key: str, default=None):  # read like an empty form: no fields beside the body
        return default


class RawTopologyParser(BaseParser):
    """YAML and archives for topology import/apply; the body size is bounded by webgns.body_limit."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> RawBody:
        return RawBody(stream.read() if stream is not None else b"", media_type or "")
