"""The console socket in watch mode, `ws/projects/<p>/nodes/<n>/console/?mode=watch`: a read-only view
of what the node's controlling consoles print.

Division of labour: control sessions publish their output (`console_fanout`); this consumer checks
access, joins the node's group and forwards. Watching needs only the right to *view* the project
(a course's teachers have it on their students' copies through `labs.access.extend_access`).

Protocol, server to client: output as binary frames, exactly as the controlling terminals get it
(from every control session on the node, from the moment the watcher joined); text frames are JSON
objects: `{"mode": "watch", "notice": ...}` once when the watch starts (the watcher is told there
that its input is ignored), then the last 64 KiB of output of each console open on the node in
this process (`console_sharing`; live output already in that history is not sent twice),
`{"size": [cols, rows]}` when the watched PTY's size is known or
changes (so the watcher's terminal wraps lines where the PTY does), and `{"notice": ...}` when
output had to be skipped. Everything the client sends is ignored. The socket closes with 1000
when the node stops or is deleted (checked every few seconds, as nothing else would tell it).
"""

import asyncio
import contextlib
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from webgns.labs.choices import NodeStatus
from webgns.labs.models import Node
from webgns.live.console_announce import announce_console_opened
from webgns.live.console_fanout import watch_group
from webgns.live.console_sharing import consoles_on
from webgns.live.project_access import admit_to_running_node

WATCH_NOTICE = "watching (read-only): you see this console's recent output and what follows; what you type is not sent"
RECHECK_SECONDS = 5.0


@database_sync_to_async
def _node_still_running(node_id: object) -> bool:
    return Node.objects.filter(pk=node_id, status=NodeStatus.STARTED).exists()


class NodeWatchConsumer(AsyncWebsocketConsumer):
    group: str | None = None
    watchdog: asyncio.Task | None = None
    told_size: list[int] | None = None
    history_end: dict[str, int] = {}  # per console: the output offset its history reached

    async def connect(self) -> None:
        node = await admit_to_running_node(self, need_change=False)
        if node is None:
            return
        user = self.scope.get("user")
        self.group = watch_group(node.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await announce_console_opened(user, node, "watch")
        # Sent after joining: a client that waits for it knows every later output reaches it.
        await self.send(text_data=json.dumps({"mode": "watch", "notice": WATCH_NOTICE}))
        await self._send_history(node.id)
        self.watchdog = asyncio.create_task(self._close_when_node_stops(node.id))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A watcher's keystrokes and resizes go nowhere (it was told so when the watch began)."""

    async def _send_history(self, node_id: object) -> None:
        """Each local console's recent output, read in one go (no await) so that the offsets match
        the bytes; group messages that arrive later and overlap are trimmed in `console_output`."""
        self.history_end = {}
        batches = []
        for console in consoles_on(node_id):
            data, end = console.recent()
            self.history_end[console.id] = end
            batches.append((console.size, data))
        for size, data in batches:
            if size and list(size) != self.told_size:
                self.told_size = list(size)
                await self.send(text_data=json.dumps({"size": list(size)}))
            if data:
                await self.send(bytes_data=data)

    def _unseen(self, message: dict) -> bytes:
        data = message["data"]
        seen = self.history_end.get(message.get("session") or "")
        if seen is None or "end" not in message:
            return data
        start = message["end"] - len(data)
        return data[max(0, seen - start) :] if message["end"] > seen else b""

    async def console_output(self, message: dict) -> None:
        size = message.get("size")
        if size and size != self.told_size:
            self.told_size = size
            await self.send(text_data=json.dumps({"size": size}))
        if message.get("skipped"):
            skipped = f"{message['skipped']} bytes of output were skipped (too fast to relay)"
            await self.send(text_data=json.dumps({"notice": skipped}))
        data = self._unseen(message)
        if data:
            await self.send(bytes_data=data)

    async def _close_when_node_stops(self, node_id: object) -> None:
        while True:
            await asyncio.sleep(RECHECK_SECONDS)
            if not await _node_still_running(node_id):
                await self.close(code=1000)
                return

    async def disconnect(self, code: int) -> None:
        if self.watchdog is not None and self.watchdog is not asyncio.current_task():
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watchdog
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None
