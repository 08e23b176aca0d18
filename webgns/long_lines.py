"""Answer a request line or header line longer than Daphne reads with 414 / 431, not a silent close.

Daphne's HTTP is Twisted's `HTTPChannel`, a line receiver that reads at most 16384 bytes a line;
past that, Twisted's default drops the connection without a word, and a client (or a proxy) sees
"connection reset" for a URL of 17 KiB. Here the channel answers first: 414 for the request line
(the URL), 431 for a header line, as JSON like every other API error, then closes. Installed
by `webgns.asgi`, which Daphne imports before it serves anything.
"""

from __future__ import annotations

import json

MAX_LINE_BYTES = 16384  # Twisted's LineReceiver.MAX_LENGTH, which HTTPChannel keeps


def refusal(first_line: bool) -> bytes:
    """The whole HTTP response for a line too long: the request line (414) or a header (431)."""
    if first_line:
        status, detail = "414 URI Too Long", f"The URL is longer than this server reads ({MAX_LINE_BYTES} bytes)."
    else:
        status, detail = ("431 Request Header Fields Too Large",
                          f"A request header is longer than this server reads ({MAX_LINE_BYTES} bytes).")
    body = json.dumps({"detail": detail}).encode()
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + body


def _line_too_long(channel, line: bytes) -> None:
    # HTTPChannel's private "still reading the request line" flag (name-mangled).
    first = bool(getattr(channel, "_HTTPChannel__first_line", 1))
    channel.transport.write(refusal(first))
    channel.loseConnection()


def install() -> None:
    from twisted.web.http import HTTPChannel

    HTTPChannel.lineLengthExceeded = _line_too_long
