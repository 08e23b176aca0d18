"""Read-only watchers of a node's consoles: a control session's output copied to the channel-layer
group `console.<node id>`, which every watch socket on that node (in any Daphne process) joins.

Division of labour: the control consumer feeds each output chunk and its PTY size to an
`OutputPublisher`; the watch consumer joins the group and forwards what arrives. A control socket
still never *receives* from the channel layer (no Redis read per open terminal), it only sends.

Cost when nobody watches: a group send to an empty group is a membership lookup in Redis and no
payload, so an unwatched console's bytes still never pass through Redis. The publisher runs beside
the control session's pump and batches whatever output accumulated while its previous send was in
flight or in the short pause after it, so a console is not slowed by Redis round trips, and a
burst (`cat` of a big file, or fast typing) costs a few large messages rather than one per PTY
read. If Redis falls far behind, the oldest backlog is dropped and watchers are told how many
bytes they missed: a watcher is a best-effort view, the controlling terminal is never held back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

OUTPUT_MESSAGE = "console.output"  # the group message type; handled by NodeWatchConsumer.console_output
MAX_MESSAGE_BYTES = 256 * 1024
# At most one send per this interval: fast typing or bulk output then costs a few sends a second,
# not one per PTY read, and a watcher sees the output at most this much later than the controller.
SEND_INTERVAL_SECONDS = 0.02
# Output waiting for Redis beyond this is dropped (and counted) rather than held in memory.
MAX_BACKLOG_BYTES = 4 * 1024 * 1024


def watch_group(node_id: object) -> str:
    """The channel-layer group a node's watchers join (a UUID keeps it a valid group name)."""
    return f"console.{node_id}"


class OutputPublisher:
    """Copies one control session's output, in order, to the node's watch group."""

    def __init__(self, node_id: object, session: str = "") -> None:
        self.group = watch_group(node_id)
        # Which console and where in its output each message ends: a watcher handed that console's
        # history (console_sharing) drops what it already has.
        self.session = session
        self.fed = 0
        self.size: tuple[int, int] | None = None
        self._layer = get_channel_layer()
        self._backlog = bytearray()
        self._skipped = 0
        self._ready = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._failed_once = False

    def start(self) -> None:
        if self._layer is not None and self._task is None:
            self._task = asyncio.create_task(self._run())

    def feed(self, chunk: bytes) -> None:
        """Queue output for watchers; never waits (the control session must not be held back)."""
        self.fed += len(chunk)
        if self._task is None:
            return
        if len(self._backlog) + len(chunk) > MAX_BACKLOG_BYTES:
            self._skipped += len(self._backlog)
            self._backlog.clear()
        self._backlog += chunk
        self._ready.set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            while self._backlog or self._skipped:
                data = bytes(self._backlog[:MAX_MESSAGE_BYTES])
                del self._backlog[:MAX_MESSAGE_BYTES]
                message = {
                    "type": OUTPUT_MESSAGE,
                    "data": data,
                    "size": list(self.size) if self.size else None,
                    "session": self.session,
                    "end": self.fed - len(self._backlog),
                }
                if self._skipped:
                    message["skipped"], self._skipped = self._skipped, 0
                await self._send(message)
                await asyncio.sleep(SEND_INTERVAL_SECONDS)

    async def _send(self, message: dict) -> None:
        try:
            await self._layer.group_send(self.group, message)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # Redis away: watchers miss this output, the console goes on
            if not self._failed_once:
                self._failed_once = True
                log.warning("console output for %s not published to watchers: %s", self.group, error)
