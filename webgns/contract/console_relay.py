"""The console relay's wire: how the web tier's console socket and a compute host's relay talk.

Division of labour: the web side (`webgns.live.console_relay`) and the host side
(`webgns.tasks.console_relay`) both read this module and nothing of each other. A session is two
Redis pub/sub channels named by an unguessable id the web tier makes after it has checked the
user's access (`input` to the host, `output` back); the host side is asked to open one by a Celery
task on the node's host's `exec.<host>` queue. Each message is one kind byte and a payload. Both
sides send PING every PING_SECONDS and give up on a peer silent for SILENT_AFTER, so neither a
vanished browser nor a dead worker leaves a shell running or a socket open. A teacher's web process
(any, not only the owner's) joins a session with JOIN and a reply channel of its own: the host
sends it HISTORY, then every later output chunk in order, and tells the owner with a NOTICE.
"""

from __future__ import annotations

import json

PREFIX = "webgns:console"

DATA = b"d"  # terminal bytes, either way
RESIZE = b"r"  # web -> host: JSON [cols, rows]
CLOSE = b"x"  # web -> host: end the shell
READY = b"k"  # host -> web: the shell runs, input is being read
FAILED = b"f"  # host -> web: JSON {"running": bool, "reason": str}; the session is over
END = b"e"  # host -> web: the shell ended
PING = b"p"  # either way: still here
JOIN = b"j"  # web -> host: JSON {"reply": channel, "name": user}; a take-over from any web process
LEAVE = b"l"  # web -> host: JSON {"reply": channel, "name": user}; "give back"
HISTORY = b"h"  # host -> a joiner's reply channel: the session's recent output, then its live output
NOTICE = b"n"  # host -> web (the owner): JSON {"takeover": {"by", "active", "typists"}}

PING_SECONDS = 5.0
SILENT_AFTER = 20.0
# What a joiner (or a watcher) is handed first: the session's last output.
HISTORY_BYTES = 64 * 1024


def input_channel(session: str) -> str:
    return f"{PREFIX}:{session}:in"


def output_channel(session: str) -> str:
    return f"{PREFIX}:{session}:out"


def frame(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + payload


def frame_json(kind: bytes, value: object) -> bytes:
    return kind + json.dumps(value).encode()


def reply_channel(session: str, joiner: str) -> str:
    return f"{PREFIX}:{session}:joiner:{joiner}"


def parse(message: bytes) -> tuple[bytes, bytes]:
    return message[:1], message[1:]
