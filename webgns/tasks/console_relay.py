"""The console relay on a compute host: opens a node's shell (`webgns.compute.node_pty`) for a
web tier that may run on another machine, and carries its bytes over Redis (`webgns.contract.
console_relay` is the wire).

Why this design (issue 16): the web tier cannot reach another host's Docker socket, and must not
kill that host's PIDs. A relay over the Redis the project already runs needs no new port, no new
certificates and no new daemon: the request is a Celery task on the node's host's `exec.<host>`
queue, the bytes go over pub/sub channels named by an unguessable session id the web tier makes only
after `project_access` admitted the user. Redis is the trust boundary, as it already is for the
Celery broker (whoever can write to it can already start labs).

The task only hands the session to an event loop thread of this worker process and returns, so a
console holds no worker slot: one loop serves every console of the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time

import redis.asyncio as aioredis
from celery import shared_task
from django.conf import settings

from webgns.compute.node_pty import NodeNotRunning, PtySession, ShellFailed
from webgns.contract import console_relay as wire

log = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None
_loop_guard = threading.Lock()


def relay_loop() -> asyncio.AbstractEventLoop:
    """This process's relay event loop, started on first use in a daemon thread."""
    global _loop
    with _loop_guard:
        if _loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="console-relay", daemon=True).start()
            _loop = loop
        return _loop


@shared_task(name="webgns.tasks.open_console")
def open_console(session: str, node_id: str, cols: int | None, rows: int | None, command: list[str] | None) -> None:
    asyncio.run_coroutine_threadsafe(serve(session, node_id, cols, rows, command), relay_loop())


async def serve(session: str, node_id: str, cols: int | None, rows: int | None, command: list[str] | None) -> None:
    """One console: the shell's output to the web tier, its input into the shell, until either ends."""
    client = aioredis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    relay = _Relay(client, wire.output_channel(session))
    shell = None
    tasks: list[asyncio.Task] = []
    try:
        await pubsub.subscribe(wire.input_channel(session))
        try:
            shell = await PtySession.start(node_id, cols, rows, command)
        except (NodeNotRunning, ShellFailed) as error:
            await client.publish(relay.out, wire.frame_json(wire.FAILED, {
                "running": not isinstance(error, NodeNotRunning), "reason": str(error)}))
            return
        await client.publish(relay.out, wire.frame(wire.READY))
        tasks = [asyncio.create_task(relay.send_all()), asyncio.create_task(relay.pump_output(shell)),
                 asyncio.create_task(relay.ping())]
        await relay.pump_input(pubsub, shell, tasks[1])
        if not tasks[1].done():  # the owner closed (or fell silent): joiners are told it ended
            tasks[1].cancel()
            await relay.to_everyone(wire.frame(wire.END))
        await relay.drain(tasks[0])
    except Exception:
        log.exception("console relay session %s failed", session)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if shell is not None:
            await shell.close()  # kills the shell and what it started: this is the node's host
        with contextlib.suppress(Exception):
            await pubsub.aclose()
        with contextlib.suppress(Exception):
            await client.aclose()


class _Relay:
    """One session's fan-out: the owner's output channel and each joiner's reply channel, fed in
    one order through one queue (a joiner's HISTORY is queued in the same step its snapshot is
    taken, so it gets every later chunk once, after its history)."""

    def __init__(self, client, out: str) -> None:
        self.client, self.out = client, out
        self.history = bytearray()
        self.joiners: dict[str, str] = {}  # reply channel -> name
        # Bounded: a slow Redis holds the shell's output back rather than growing without end.
        self.outbox: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue(maxsize=256)

    async def to_everyone(self, frame: bytes) -> None:
        for channel in [self.out, *self.joiners]:
            await self.outbox.put((channel, frame))

    async def send_all(self) -> None:
        while (item := await self.outbox.get()) is not None:
            await self.client.publish(*item)

    async def drain(self, sender: asyncio.Task) -> None:
        """Let what is queued (the END among it) go out before the session's connection closes."""
        with contextlib.suppress(asyncio.QueueFull):
            self.outbox.put_nowait(None)
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
            await asyncio.wait_for(sender, 5)

    async def pump_output(self, shell: PtySession) -> None:
        try:
            while chunk := await shell.read():
                self.history += chunk
                if len(self.history) > wire.HISTORY_BYTES:
                    del self.history[: len(self.history) - wire.HISTORY_BYTES]
                await self.to_everyone(wire.frame(wire.DATA, chunk))
        except (ConnectionError, OSError) as error:
            log.info("console stream ended: %s", error)
        await self.to_everyone(wire.frame(wire.END))

    async def ping(self) -> None:
        while True:
            await asyncio.sleep(wire.PING_SECONDS)
            await self.to_everyone(wire.frame(wire.PING))

    async def _joined(self, payload: bytes, active: bool) -> None:
        request = json.loads(payload)
        reply, name = str(request["reply"]), str(request["name"])
        if active:
            snapshot = bytes(self.history)
            self.joiners[reply] = name
            await self.outbox.put((reply, wire.frame(wire.HISTORY, snapshot)))
        elif self.joiners.pop(reply, None) is None:
            return
        typists = sorted(set(self.joiners.values()))
        await self.outbox.put((self.out, wire.frame_json(wire.NOTICE, {
            "takeover": {"by": name, "active": active, "typists": typists}})))

    async def pump_input(self, pubsub, shell: PtySession, output: asyncio.Task) -> None:
        """Until the web side closes or falls silent, or the shell's output ended."""
        heard = time.monotonic()
        while not output.done():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None:
                if time.monotonic() - heard > wire.SILENT_AFTER:
                    log.info("console relay: the web side went silent; closing the shell")
                    return
                continue
            heard = time.monotonic()
            kind, payload = wire.parse(message["data"])
            if kind == wire.DATA:
                try:
                    await shell.write(payload)
                except (ConnectionError, OSError):
                    return
            elif kind == wire.RESIZE:
                cols, rows = json.loads(payload)
                await shell.resize(int(cols), int(rows))
            elif kind in (wire.JOIN, wire.LEAVE):
                await self._joined(payload, kind == wire.JOIN)
            elif kind == wire.CLOSE:
                return
