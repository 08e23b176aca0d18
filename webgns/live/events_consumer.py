"""The events socket `ws/projects/<p>/events/`: a snapshot with its `seq`, then every event in order.

Division of labour: workers and API views publish numbered events to the project's channel-layer
group (`webgns.labs.events`); this consumer only checks access, sends snapshots and forwards.

No event is lost between snapshot and stream: the consumer joins the group first, then reads
`seq`, then builds the snapshot. Any event numbered at or below that `seq` was committed before
the snapshot was read, so it is dropped here; every later one arrives through the group. Events
queue in the consumer's channel until `connect` returns, so they are never sent before the
snapshot. A client that sees a gap sends `{"type": "resync"}` and gets a fresh snapshot. A large snapshot is
sent as several messages (`webgns.live.snapshot_parts`), back to back.

Events without a `seq` (`link.stats`, measurements superseded a second later) are forwarded as
they come. Each socket counts itself in `labs.subscribers` while open: the worker samples the
project's link load only while someone watches, and the first socket asks for the sampler.
"""

import json

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from webgns.labs import events, subscribers
from webgns.live import close_codes
from webgns.live.project_access import decide_async
from webgns.live.snapshot import project_snapshot
from webgns.live.snapshot_parts import dumps, snapshot_messages


@database_sync_to_async
def _numbered_snapshot(project_id: object) -> tuple[int, list[str] | None]:
    """The snapshot's seq and its messages, serialised off the event loop (a big project takes a while)."""
    seq = events.current_seq(project_id)  # before the snapshot: see the module docstring
    project = project_snapshot(project_id)
    return seq, None if project is None else snapshot_messages(seq, project)


def _count_in(project_id: str) -> None:
    from django.conf import settings

    from webgns.labs.models import Node

    subscribers.joined(project_id)
    # One sampler per compute host of the lab: each reads the counters of its own links. An empty
    # lab's goes to the default host; a sampler asks the other hosts once nodes are placed there.
    hosts = sorted(set(Node.objects.filter(project_id=project_id).values_list("compute_host", flat=True)))
    subscribers.wake_samplers(project_id, hosts or [settings.WEBGNS_COMPUTE_HOST])


class ProjectEventsConsumer(AsyncWebsocketConsumer):
    project_id: str
    group: str | None = None
    last_seq: int = 0
    counted: bool = False

    async def connect(self) -> None:
        self.project_id = str(self.scope["url_route"]["kwargs"]["project_id"])
        decision = await decide_async(self.scope.get("user"), self.project_id, need_change=False)
        await self.accept()
        if decision.refusal is not None:
            await self.close(code=decision.refusal)
            return
        self.group = events.group_name(self.project_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send_snapshot()
        await sync_to_async(_count_in, thread_sensitive=False)(self.project_id)
        self.counted = True

    async def disconnect(self, code: int) -> None:
        if self.counted:
            self.counted = False
            await sync_to_async(subscribers.left, thread_sensitive=False)(self.project_id)
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = json.loads(text_data or bytes_data or b"")
        except ValueError:
            return  # not ours to answer: the protocol has one client message
        if isinstance(message, dict) and message.get("type") == "resync" and self.group is not None:
            await self._send_snapshot()

    async def project_event(self, message: dict) -> None:
        event = message["event"]
        if "seq" not in event:  # a measurement (link.stats): not part of the numbered stream
            await self.send(text_data=dumps(event))
            return
        if event["seq"] <= self.last_seq:
            return  # already part of the snapshot this client holds
        self.last_seq = event["seq"]
        await self.send(text_data=dumps(event))

    async def _send_snapshot(self) -> None:
        seq, messages = await _numbered_snapshot(self.project_id)
        if messages is None:  # deleted meanwhile
            await self.close(code=close_codes.NOT_FOUND)
            return
        self.last_seq = seq
        for text in messages:
            await self.send(text_data=text)
