"""Which relayed console sessions are open on a node, in Redis, so that a teacher's take-over from
any web process finds the student's session (the in-process registry, `console_sharing`, only
sees the consoles of its own process).

Division of labour: the owner's `RelayedSession` advertises its session here and refreshes the entry
with its keep-alive; `console_consumer` looks here when its own process has no console to join,
then joins through the relay (`console_relay.RemoteJoin`). An entry names the session, its owner and
its terminal size, and lapses SILENT_AFTER seconds after its last refresh (a web process that died
leaves nothing joinable behind).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from webgns.contract import console_relay as wire


@dataclass(frozen=True)
class OpenSession:
    session: str
    owner: str
    size: tuple[int, int] | None


def _key(node_id: object) -> str:
    return f"{wire.PREFIX}:node:{node_id}"


async def advertise(client, node_id: object, session: str, owner: str, size: tuple[int, int] | None) -> None:
    entry = {"owner": owner, "size": list(size) if size else None, "until": time.time() + wire.SILENT_AFTER,
             "opened": time.time()}
    await client.hset(_key(node_id), session, json.dumps(entry))
    await client.expire(_key(node_id), int(wire.SILENT_AFTER) + 1)


async def withdraw(client, node_id: object, session: str) -> None:
    await client.hdel(_key(node_id), session)


async def open_sessions(client, node_id: object) -> list[OpenSession]:
    """The node's advertised sessions still refreshed, oldest first."""
    now, found = time.time(), []
    for session, raw in (await client.hgetall(_key(node_id))).items():
        entry = json.loads(raw)
        if entry["until"] >= now:
            name = session.decode() if isinstance(session, bytes) else session
            size = tuple(entry["size"]) if entry["size"] else None
            found.append((entry["opened"], OpenSession(name, entry["owner"], size)))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]
