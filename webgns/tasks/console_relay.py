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
    out = wire.output_channel(session)
    shell = None
    tasks: list[asyncio.Task] = []
    try:
        await pubsub.subscribe(wire.input_channel(session))
        try:
            shell = await PtySession.start(node_id, cols, rows, command)
        except (NodeNotRunning, ShellFailed) as error:
            await client.publish(out, wire.frame_json(wire.FAILED, {"running": not isinstance(error, NodeNotRunning),
                                                                     "reason": str(error)}))
            return
        await client.publish(out, wire.frame(wire.READY))
        tasks = [asyncio.create_task(_pump_output(client, out, shell)), asyncio.create_task(_ping(client, out))]
        await _pump_input(pubsub, shell, tasks[0])
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


async def _pump_output(client, out: str, shell: PtySession) -> None:
    try:
        while chunk := await shell.read():
            await client.publish(out, wire.frame(wire.DATA, chunk))
    except (ConnectionError, OSError) as error:
        log.info("console stream ended: %s", error)
    await client.publish(out, wire.frame(wire.END))


async def _ping(client, out: str) -> None:
    while True:
        await asyncio.sleep(wire.PING_SECONDS)
        await client.publish(out, wire.frame(wire.PING))


async def _pump_input(pubsub, shell: PtySession, output: asyncio.Task) -> None:
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
        elif kind == wire.CLOSE:
            return
