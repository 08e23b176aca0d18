"""The console socket `ws/projects/<p>/nodes/<n>/console/`: a node's shell in the browser.

Division of labour: `webgns.compute.node_pty` owns the Docker side (start, resize, kill), on the
node's host, reached through that host's console relay (`console_relay`; directly only with
WEBGNS_CONSOLE_RELAY=remote for this host's nodes); this consumer checks access and pumps bytes.
Output goes out as one binary frame per PTY read (up to 64 KiB), input is written as it comes
(binary or text frames); a text frame that is exactly a JSON object `{"resize": [cols, rows]}`
resizes the PTY instead. Terminal bytes reach the channel layer only on their way to watchers; a
control socket never receives from it.

`?cols=&rows=` sets the size at start; `?shell=<the template's console_shell>` (e.g. `vtysh` on FRR
routers) runs that program instead of the shell. `?mode=control` (the default) is this interactive shell and
needs the right to change the project: a shell can change anything in the lab. `?mode=watch` is a
read-only view of the node's control sessions (`console_watch`). `?mode=takeover` (same right as
control) joins the node's open control console instead of starting a shell: the joiner first gets
its last 64 KiB of output, then types into the same shell, and the console's owner is sent
`{"takeover": {"by", "active", "typists"}}` when someone joins or leaves (`console_sharing`); with
no console open on the node it falls back to a shell of its own, and says so. Any other mode
closes with 4400. Each control socket has its own shell; its output is also offered to the node's
watchers (`console_fanout`), which costs nothing beyond a membership lookup while nobody watches.
When the socket closes, the shell and its children are killed; when the shell exits, the socket
closes with 1000. Every console that opens is announced once (`console_announce`) for the audit.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from webgns.compute.node_pty import NodeNotRunning, PtySession, ShellFailed
from webgns.live import close_codes, console_registry, console_slots
from webgns.live.console_announce import announce_console_opened
from webgns.live.console_relay import RelayedSession, RemoteJoin
from webgns.live.console_sharing import Listener, SharedConsole, consoles_on
from webgns.live.console_watch import NodeWatchConsumer
from webgns.live.project_access import admit_to_running_node

log = logging.getLogger(__name__)

MAX_DIMENSION = 1000  # columns or rows; larger is a client bug, not a terminal
MODES = ("control", "watch", "takeover")
NO_ONE_TO_JOIN = "nobody has a console open on this node: this is a shell of your own"


def takeover_notice(owner: str) -> str:
    return f"you are typing in {owner}'s terminal: they see everything you type; close this console to give it back"


def parse_resize(text: str) -> tuple[int, int] | None:
    """(cols, rows) when `text` is exactly a resize request, else None (then it is keystrokes)."""
    if not text.startswith("{"):
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or set(message) != {"resize"}:
        return None
    size = message["resize"]
    if (
        isinstance(size, list)
        and len(size) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_DIMENSION for v in size)
    ):
        return size[0], size[1]
    return None


def _query(scope: dict) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}


def _dimension(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 1 <= int(value) <= MAX_DIMENSION else None


class NodeConsoleConsumer(AsyncWebsocketConsumer):
    # No channel layer: a console hears nothing from the group, and a consumer without one costs no
    # Redis connection and no blocking read per open terminal. (An alias that names no configured
    # layer makes Channels' get_channel_layer() answer None.)
    channel_layer_alias = "none: consoles use no channel layer"
    session: PtySession | RelayedSession | None = None
    pump: asyncio.Task | None = None
    shared: SharedConsole | None = None  # this socket's own console, which others may join
    joined: SharedConsole | None = None  # the console this socket took over
    remote: RemoteJoin | None = None  # ... or the session it joined through its relay (another process's)
    listener: Listener | None = None
    slot: str | None = None  # this console's place among its user's (console_slots)
    slot_keeper: asyncio.Task | None = None

    async def connect(self) -> None:
        query = _query(self.scope)
        if query.get("mode", "control") not in MODES:
            await self.accept()
            await self.close(code=close_codes.BAD_REQUEST, reason=f"mode must be one of: {', '.join(MODES)}")
            return
        node = await admit_to_running_node(self, need_change=True)
        if node is None:
            return
        user = self.scope.get("user")
        username = user.get_username() if user is not None else ""
        if not await self._take_slot(user):
            return
        if query.get("mode") == "takeover":
            others = [c for c in consoles_on(node.id) if c.owner != username] or consoles_on(node.id)
            if others:
                await self._take_over(others[-1], username)
                await announce_console_opened(user, node, "control")
                return
            # Not in this process: a session another web process opened, joined through its relay.
            if await self._take_over_remote(node.id, username):
                await announce_console_opened(user, node, "control")
                return
            await self.send(text_data=json.dumps({"notice": NO_ONE_TO_JOIN}))
        command = None
        if query.get("shell"):
            offered = await database_sync_to_async(lambda: node.template.console_shell)()
            if query["shell"] != offered:
                await self.close(code=close_codes.BAD_REQUEST,
                                 reason=f"shell must be {offered!r}" if offered else "this node offers no other shell")
                return
            command = [offered]
        cols, rows = _dimension(query.get("cols")), _dimension(query.get("rows"))
        try:
            if node.compute_host == settings.WEBGNS_COMPUTE_HOST and settings.WEBGNS_CONSOLE_RELAY == "remote":
                self.session = await PtySession.start(str(node.id), cols, rows, command)
            else:  # the node's own host opens the shell (README "Consoles and exec through the node's host")
                self.session = await RelayedSession.start(str(node.id), node.compute_host, cols, rows, command)
        except NodeNotRunning:
            await self.close(code=close_codes.NOT_FOUND)
            return
        except ShellFailed as error:
            log.warning("console for node %s: %s", node.id, error)
            await self.close(code=close_codes.CONSOLE_FAILED)
            return
        self.shared = SharedConsole(node.id, username, lambda message: self.send(text_data=json.dumps(message)))
        self.shared.open(self.session.write, (cols, rows) if cols and rows else None)
        if isinstance(self.session, RelayedSession):  # joinable from any web process, not only this one
            self.session.on_notice = lambda message: self.send(text_data=json.dumps(message))
            await self.session.advertise(node.id, username, (cols, rows) if cols and rows else None)
        self.pump = asyncio.create_task(self._pump_output())
        await announce_console_opened(user, node, "control")

    async def _take_slot(self, user) -> bool:
        """Hold one of the user's console places (staff hold none), or close with 4429 and say why."""
        if user is None or user.is_staff:
            return True
        limit = settings.WEBGNS_CONSOLES_PER_USER
        self.slot = await console_slots.take(user.pk, limit)
        if self.slot is None:
            await self.close(code=close_codes.TOO_MANY, reason=console_slots.refusal(limit))
            return False
        self.slot_keeper = asyncio.create_task(self._keep_slot(user.pk, self.slot))
        return True

    @staticmethod
    async def _keep_slot(user_id: object, slot: str) -> None:
        while True:
            await asyncio.sleep(console_slots.REFRESH_SECONDS)
            with contextlib.suppress(Exception):  # Redis away a moment: the slot lapses later, not now
                await console_slots.refresh(user_id, slot)

    async def _take_over(self, console: SharedConsole, username: str) -> None:
        self.joined = console
        self.listener, history = await console.join(username)
        await self.send(text_data=json.dumps({"mode": "takeover", "owner": console.owner,
                                              "notice": takeover_notice(console.owner)}))
        if console.size:
            await self.send(text_data=json.dumps({"size": list(console.size)}))
        if history:
            await self.send(bytes_data=history)
        self.pump = asyncio.create_task(self._pump_joined())

    async def _take_over_remote(self, node_id: object, username: str) -> bool:
        client = aioredis.from_url(settings.REDIS_URL)
        try:
            sessions = await console_registry.open_sessions(client, node_id)
        finally:
            await client.aclose()
        sessions = [s for s in sessions if s.owner != username] or sessions
        joined = await RemoteJoin.join(sessions[-1], username) if sessions else None
        if joined is None:
            return False
        self.remote, history = joined
        await self.send(text_data=json.dumps({"mode": "takeover", "owner": self.remote.owner,
                                              "notice": takeover_notice(self.remote.owner)}))
        if self.remote.size:
            await self.send(text_data=json.dumps({"size": list(self.remote.size)}))
        if history:
            await self.send(bytes_data=history)
        self.pump = asyncio.create_task(self._pump_remote())
        return True

    async def _pump_remote(self) -> None:
        while (chunk := await self.remote.get()) is not None:
            await self.send(bytes_data=chunk)
        with contextlib.suppress(Exception):
            await self.send(text_data=json.dumps({"notice": "the console you joined has closed"}))
        await self.close(code=1000)

    async def _pump_joined(self) -> None:
        while (chunk := await self.listener.get()) is not None:
            await self.send(bytes_data=chunk)
        with contextlib.suppress(Exception):
            await self.send(text_data=json.dumps({"notice": "the console you joined has closed"}))
        await self.close(code=1000)

    async def _pump_output(self) -> None:
        try:
            while chunk := await self.session.read():
                await self.send(bytes_data=chunk)
                self.shared.feed(chunk)
        except (ConnectionError, OSError) as error:
            log.info("console stream ended: %s", error)
        await self.close(code=1000)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.joined is not None or self.remote is not None:
            await self._receive_joined(text_data, bytes_data)
            return
        if self.session is None:
            return
        if text_data is not None:
            size = parse_resize(text_data)
            if size is not None:
                await self.session.resize(*size)
                self.shared.resize(size)
                return
            bytes_data = text_data.encode()
        if bytes_data:
            try:
                await self.session.write(bytes_data)
            except (ConnectionError, OSError):
                await self.close(code=1000)

    async def _receive_joined(self, text_data: str | None, bytes_data: bytes | None) -> None:
        """A joiner's keys go into the owner's shell; its resizes do not (the owner's size rules)."""
        if text_data is not None:
            if parse_resize(text_data) is not None:
                return
            bytes_data = text_data.encode()
        if bytes_data:
            with contextlib.suppress(ConnectionError, OSError):
                await (self.joined or self.remote).write(bytes_data)

    async def disconnect(self, code: int) -> None:
        if self.pump is not None and self.pump is not asyncio.current_task():
            self.pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.pump
        if self.joined is not None:
            await self.joined.leave(self.listener)
            self.joined = None
        if self.remote is not None:
            await self.remote.leave()
            self.remote = None
        if self.shared is not None:
            await self.shared.close()
            self.shared = None
        if self.session is not None:
            await self.session.close()
            self.session = None
        if self.slot is not None:
            self.slot_keeper.cancel()
            user = self.scope.get("user")
            with contextlib.suppress(Exception):  # unreleased, it lapses by itself
                await console_slots.release(user.pk, self.slot)
            self.slot = None


def console_by_mode() -> Callable[[dict, Callable, Callable], Awaitable[None]]:
    """The ASGI app of the console route: `?mode=watch` to the watch consumer, the rest to control
    (which refuses an unknown mode). Two consumers, because only a watcher needs a channel layer."""
    control, watch = NodeConsoleConsumer.as_asgi(), NodeWatchConsumer.as_asgi()

    async def route(scope: dict, receive: Callable, send: Callable) -> None:
        app = watch if _query(scope).get("mode") == "watch" else control
        return await app(scope, receive, send)

    return route
