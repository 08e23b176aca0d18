"""The web side of the console relay: a node's shell on another compute host, with the same
interface as a local `PtySession` (start, read, write, resize, close), so the console consumer,
watchers and take-over do not care where the node runs.

Division of labour: this module makes the session id (after the consumer admitted the user), asks
the node's host to open the shell (`webgns.tasks.console_relay.open_console` on `exec.<host>`) and
carries bytes over the Redis channels of `webgns.contract.console_relay`; the host side owns the
PTY and kills what it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time

import redis.asyncio as aioredis
from django.conf import settings

from webgns.compute.node_pty import NodeNotRunning, ShellFailed
from webgns.contract import console_relay as wire
from webgns.tasks import routing
from webgns.tasks.console_relay import open_console


class RelayedSession:
    def __init__(self, session: str, client, pubsub) -> None:
        self.session = session
        self._client, self._pubsub = client, pubsub
        self._input = wire.input_channel(session)
        self._heard = time.monotonic()
        self._closed = False
        self._ping = asyncio.create_task(self._keep_alive())

    @classmethod
    async def start(cls, node_id: str, host: str, cols: int | None = None, rows: int | None = None,
                    command: list[str] | None = None) -> RelayedSession:
        session = secrets.token_hex(16)
        client = aioredis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub()
        try:
            # Subscribed before asking: pub/sub keeps nothing for a late listener.
            await pubsub.subscribe(wire.output_channel(session))
            await asyncio.to_thread(routing.send, open_console, host, session, node_id, cols, rows, command,
                                    exec_work=True, expires=settings.WEBGNS_CONSOLE_RELAY_OPEN_SECONDS)
            await cls._wait_ready(pubsub, host)
        except BaseException:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await client.aclose()
            raise
        return cls(session, client, pubsub)

    @staticmethod
    async def _wait_ready(pubsub, host: str) -> None:
        deadline = time.monotonic() + settings.WEBGNS_CONSOLE_RELAY_OPEN_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=min(left, 1.0))
            if message is None:
                continue
            kind, payload = wire.parse(message["data"])
            if kind == wire.READY:
                return
            if kind == wire.FAILED:
                failure = json.loads(payload)
                raise (ShellFailed if failure["running"] else NodeNotRunning)(failure["reason"])
        raise ShellFailed(f"compute host {host!r}'s console relay did not answer within "
                          f"{settings.WEBGNS_CONSOLE_RELAY_OPEN_SECONDS:g} s (is its exec worker running?)")

    async def read(self) -> bytes:
        """The next output chunk; b"" once the shell ended. ConnectionError when the host went silent."""
        while True:
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None:
                if time.monotonic() - self._heard > wire.SILENT_AFTER:
                    raise ConnectionError("the node's compute host stopped answering")
                continue
            self._heard = time.monotonic()
            kind, payload = wire.parse(message["data"])
            if kind == wire.DATA:
                return payload
            if kind in (wire.END, wire.FAILED):
                return b""

    async def write(self, data: bytes) -> None:
        await self._client.publish(self._input, wire.frame(wire.DATA, data))

    async def resize(self, cols: int, rows: int) -> None:
        await self._client.publish(self._input, wire.frame_json(wire.RESIZE, [cols, rows]))

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(wire.PING_SECONDS)
            with contextlib.suppress(Exception):
                await self._client.publish(self._input, wire.frame(wire.PING))

    async def close(self) -> None:
        """Ask the host to end the shell (it also ends it on its own once we fall silent)."""
        if self._closed:
            return
        self._closed = True
        self._ping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._ping
        with contextlib.suppress(Exception):
            await self._client.publish(self._input, wire.frame(wire.CLOSE))
        with contextlib.suppress(Exception):
            await self._pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._client.aclose()
