"""A control console as something others can join: its recent output (history) and who has joined.

Division of labour: the control consumer owns the shell (`webgns.compute.node_pty`) and feeds every output
chunk to its `SharedConsole`; this module keeps the last `HISTORY_BYTES` of that output, hands
them (then every later chunk, in order) to a joining teacher ("take over": the teacher's keys go
into the same shell, so both see every keystroke), tells the owner's socket when someone joins or
leaves, and passes each chunk on to the node's watchers (`console_fanout`) tagged with its byte
offset, so a watcher that was handed the history first can drop what it already has.

This registry is per process. A take-over from another Daphne process joins the session through
its host's console relay instead (`console_registry`, `console_relay.RemoteJoin`: the relay keeps
the history too). A watcher in another process sees live output through the channel layer,
without history.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

from webgns.contract import console_relay as wire
from webgns.live.console_fanout import OutputPublisher

HISTORY_BYTES = wire.HISTORY_BYTES  # the relay keeps as much, for joiners from other processes
# A joined terminal this far behind is dropped rather than buffered without end.
MAX_LISTENER_BACKLOG = 4 * 1024 * 1024
# Cut history at a line start when one is this close to the cut, so it does not begin mid-line.
LINE_SEARCH_BYTES = 1024

_consoles: dict[str, list[SharedConsole]] = {}


def consoles_on(node_id: object) -> list[SharedConsole]:
    """This process's open control consoles on a node, oldest first."""
    return list(_consoles.get(str(node_id), []))


class Listener:
    """One joined terminal: output chunks in order, `None` when the console ends."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.backlog = 0

    def put(self, chunk: bytes | None) -> bool:
        if chunk is not None:
            self.backlog += len(chunk)
            if self.backlog > MAX_LISTENER_BACKLOG:
                return False
        self.queue.put_nowait(chunk)
        return True

    async def get(self) -> bytes | None:
        chunk = await self.queue.get()
        if chunk is not None:
            self.backlog -= len(chunk)
        return chunk


class SharedConsole:
    def __init__(self, node_id: object, owner: str, notify_owner: Callable[[dict], Awaitable[None]]) -> None:
        self.id = uuid.uuid4().hex
        self.node_id = str(node_id)
        self.owner = owner
        self.notify_owner = notify_owner
        self.history = bytearray()
        self.fed = 0  # bytes of output so far: the offset watchers use to drop what history gave them
        self.size: tuple[int, int] | None = None
        self.listeners: list[Listener] = []
        self.writer: Callable[[bytes], Awaitable[None]] | None = None
        self.publisher = OutputPublisher(node_id, session=self.id)

    def open(self, writer: Callable[[bytes], Awaitable[None]], size: tuple[int, int] | None) -> None:
        self.writer, self.size = writer, size
        self.publisher.size = size
        self.publisher.start()
        _consoles.setdefault(self.node_id, []).append(self)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.publisher.size = size

    def feed(self, chunk: bytes) -> None:
        self.fed += len(chunk)
        self.history += chunk
        if len(self.history) > HISTORY_BYTES:
            del self.history[: len(self.history) - HISTORY_BYTES]
        self.publisher.feed(chunk)
        for listener in list(self.listeners):
            if not listener.put(chunk):
                self.listeners.remove(listener)
                listener.queue.put_nowait(None)

    def recent(self) -> tuple[bytes, int]:
        """(the last output, up to HISTORY_BYTES, starting at a line when one is near; its end offset)."""
        data = bytes(self.history)
        if len(data) == HISTORY_BYTES:
            newline = data.find(b"\n", 0, LINE_SEARCH_BYTES)
            if newline >= 0:
                data = data[newline + 1 :]
        return data, self.fed

    async def join(self, name: str) -> tuple[Listener, bytes]:
        """Join as a typist: the history now, then every chunk through the listener. Atomic with
        respect to `feed` (no await in between), so nothing is lost or doubled."""
        listener = Listener(name)
        history, _ = self.recent()
        self.listeners.append(listener)
        await self._tell_owner(name, True)
        return listener, history

    async def leave(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)
        await self._tell_owner(listener.name, False)

    async def write(self, data: bytes) -> None:
        if self.writer is not None:
            await self.writer(data)

    async def _tell_owner(self, name: str, active: bool) -> None:
        typists = sorted({lst.name for lst in self.listeners})
        with contextlib.suppress(Exception):  # the owner's socket is closing: nothing to tell
            await self.notify_owner({"takeover": {"by": name, "active": active, "typists": typists}})

    async def close(self) -> None:
        consoles = _consoles.get(self.node_id, [])
        if self in consoles:
            consoles.remove(self)
        if not consoles:
            _consoles.pop(self.node_id, None)
        for listener in self.listeners:
            listener.queue.put_nowait(None)
        self.listeners.clear()
        self.writer = None
        await self.publisher.close()
