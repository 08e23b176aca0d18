"""The web side of the console relay: a node's shell on another compute host, with the same
interface as a local `PtySession` (start, read, write, resize, close), so the console consumer,
watchers and take-over do not care where the node runs.

Division of labour: this module makes the session id (after the consumer admitted the user), asks
the node's host to open the shell (`webgns.tasks.console_relay.open_console` on `exec.<host>`) and
carries bytes over the Redis channels of `webgns.contract.console_relay`; the host side owns the
PTY and kills what it started. A session advertises itself (`console_registry`) so that a
take-over from another web process can join it (`RemoteJoin`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from django.conf import settings

from webgns.compute.node_pty import NodeNotRunning, ShellFailed
from webgns.contract import console_relay as wire
from webgns.live import console_registry
from webgns.tasks import routing
from webgns.tasks.console_relay import open_console

log = logging.getLogger(__name__)

# How long a take-over waits for the session's history before it gives up (the session just ended).
JOIN_SECONDS = 5.0


class _Peer:
    """One web-side end of a relayed session: its input channel, the channel it listens to, pings
    to the host and the host's silence noticed."""

    def __init__(self, session: str, client, pubsub) -> None:
        self.session = session
        self._client, self._pubsub = client, pubsub
        self._input = wire.input_channel(session)
        self._heard = time.monotonic()
        self._done = False
        self._ping = asyncio.create_task(self._keep_alive())

    async def _next_output(self) -> bytes | None:
        """The next output chunk; None once the shell ended. ConnectionError when the host went silent."""
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
                return None
            if kind == wire.NOTICE:
                await self._notice(json.loads(payload))

    async def _notice(self, message: dict) -> None:
        """A take-over came or went (only the owner's end hears of it)."""

    async def _pinged(self) -> None:
        """After each ping: what else a peer refreshes."""

    async def write(self, data: bytes) -> None:
        await self._client.publish(self._input, wire.frame(wire.DATA, data))

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(wire.PING_SECONDS)
            with contextlib.suppress(Exception):
                await self._client.publish(self._input, wire.frame(wire.PING))
                await self._pinged()

    async def _end(self, last: bytes) -> None:
        """Stop pinging, send `last` (CLOSE, LEAVE), let go of Redis. Safe to call twice."""
        if self._done:
            return
        self._done = True
        self._ping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._ping
        with contextlib.suppress(Exception):
            await self._client.publish(self._input, last)
        with contextlib.suppress(Exception):
            await self._pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._client.aclose()


class RelayedSession(_Peer):
    """A shell opened on the node's host, as `PtySession` is used: start, read, write, resize, close."""

    def __init__(self, session: str, client, pubsub) -> None:
        super().__init__(session, client, pubsub)
        # Told of take-overs from other web processes: {"takeover": {...}} (set by the consumer).
        self.on_notice: Callable[[dict], Awaitable[None]] | None = None
        self._advertised: tuple[str, str, tuple[int, int] | None] | None = None

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
        return await self._next_output() or b""

    async def _notice(self, message: dict) -> None:
        if self.on_notice is not None:
            with contextlib.suppress(Exception):  # the owner's socket is closing
                await self.on_notice(message)

    async def resize(self, cols: int, rows: int) -> None:
        await self._client.publish(self._input, wire.frame_json(wire.RESIZE, [cols, rows]))
        if self._advertised is not None:  # a joiner learns the owner's size
            await self.advertise(self._advertised[0], self._advertised[1], (cols, rows))

    async def advertise(self, node_id: object, owner: str, size: tuple[int, int] | None) -> None:
        """Make this session joinable from any web process (a take-over), until it closes."""
        self._advertised = (str(node_id), owner, size)
        await console_registry.advertise(self._client, node_id, self.session, owner, size)

    async def _pinged(self) -> None:
        if self._advertised is not None:
            await console_registry.advertise(self._client, self._advertised[0], self.session, *self._advertised[1:])

    async def close(self) -> None:
        """Ask the host to end the shell (it also ends it on its own once we fall silent)."""
        if self._advertised is not None and not self._done:
            with contextlib.suppress(Exception):
                await console_registry.withdraw(self._client, self._advertised[0], self.session)
        await self._end(wire.frame(wire.CLOSE))


class RemoteJoin(_Peer):
    """A take-over of a relayed session opened in another web process: its history, then its output
    (`get`, None at its end); keys go into its shell (`write`); `leave` gives it back."""

    def __init__(self, open_session: console_registry.OpenSession, name: str, client, pubsub, reply: str) -> None:
        super().__init__(open_session.session, client, pubsub)
        self.owner, self.size = open_session.owner, open_session.size
        self.name, self._reply = name, reply

    @classmethod
    async def join(cls, open_session: console_registry.OpenSession, name: str) -> tuple[RemoteJoin, bytes] | None:
        """Joined, with the session's history; None if the session did not answer (it just ended)."""
        client = aioredis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub()
        reply = wire.reply_channel(open_session.session, secrets.token_hex(8))
        request = {"reply": reply, "name": name}
        try:
            await pubsub.subscribe(reply)
            await client.publish(wire.input_channel(open_session.session), wire.frame_json(wire.JOIN, request))
            deadline = time.monotonic() + JOIN_SECONDS
            while (left := deadline - time.monotonic()) > 0:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=min(left, 1.0))
                if message is not None and wire.parse(message["data"])[0] == wire.HISTORY:
                    return cls(open_session, name, client, pubsub, reply), wire.parse(message["data"])[1]
        except Exception:
            log.exception("joining console session %s failed", open_session.session)
        with contextlib.suppress(Exception):
            await pubsub.aclose()
            await client.aclose()
        return None

    async def get(self) -> bytes | None:
        try:
            return await self._next_output()
        except ConnectionError:
            return None

    async def leave(self) -> None:
        await self._end(wire.frame_json(wire.LEAVE, {"reply": self._reply, "name": self.name}))
