"""The API's JSON parser: DRF's, after a linear scan that refuses bodies nested too deep.

Python's json module recurses once per nesting level and raises RecursionError near 1000 levels
(a 500); a lab document never needs more than a handful. The scan skips string contents, so
brackets inside strings do not count, and runs before any recursion.
"""

import codecs
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
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
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
