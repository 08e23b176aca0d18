"""The capture socket `ws/projects/<p>/captures/<c>/`: the capture's packet list as packets arrive.

Division of labour: the worker writes the file and sends `capture.progress`/`capture.started`/
`capture.ended` notices to the capture's group (`captures.signals_keys`); this consumer decodes
the new complete blocks with tshark (`captures.decode`) and sends their summaries. Each push finds
the new blocks from where the last one stopped (a byte offset) and has tshark read the file up to
them from its first packet, printing only the new ones: packet numbers, and the numbers in the Info
column ("request in 17"), are the downloaded file's, and cross-packet analysis sees the whole
capture. Pushes coalesce, so under a flood one tshark run takes every packet written meanwhile:
nothing is skipped, the batches only grow.

Messages (JSON text): `{"type": "capture", "capture": {...as in the REST API...}}` at the start and
whenever its status changes; `{"type": "packets", "packets": [{"no","time","src","dst","protocol",
"length","info"}, ...]}`; `{"type": "error", "field": "filter", "detail": ...}` before closing with
4400 when the display filter is refused. `?from=N` skips packets the client already holds;
`?filter=` applies a display filter to each batch.
Access as for the project's events (view right); an unknown capture closes with 4404.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder

from webgns.captures import control, decode, signals_keys
from webgns.captures.api.serializers import CaptureSerializer
from webgns.captures.models import Capture
from webgns.live import close_codes
from webgns.live.project_access import decide_async

BATCH = 500  # summaries per message: ~100 kB, far below Daphne's 1 MiB frame limit


@database_sync_to_async
def _capture_state(project, capture_id: object) -> dict | None:
    capture = Capture.objects.select_related("user").filter(project=project, pk=capture_id).first()
    if capture is None:
        return None
    return json.loads(json.dumps(CaptureSerializer(control.settle_if_orphaned(capture)).data, cls=DjangoJSONEncoder))


class CaptureConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        decision = await decide_async(self.scope.get("user"), kwargs["project_id"], need_change=False)
        await self.accept()
        if decision.refusal is not None:
            await self.close(code=decision.refusal)
            return
        self.project = decision.project
        self.capture_id = str(kwargs["capture_id"])
        state = await _capture_state(self.project, self.capture_id)
        if state is None:
            await self.close(code=close_codes.NOT_FOUND)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.display_filter = (query.get("filter") or [""])[0]
        try:
            self.after = max(0, int((query.get("from") or ["0"])[0]))
        except ValueError:
            await self._refuse("from", "a whole number")
            return
        try:
            await asyncio.to_thread(decode.check_display_filter, self.display_filter)
        except decode.DisplayFilterError as error:
            await self._refuse("filter", f"not a valid display filter: {error}")
            return
        self.path = Capture(id=self.capture_id).path
        self.offset: int | None = None
        self.next_number = 1
        self.start_ns = 0
        self.dirty = asyncio.Event()
        self.status_changed = False
        self.group = signals_keys.group_name(self.capture_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send({"type": "capture", "capture": state})
        self.pusher = asyncio.create_task(self._push_forever())
        self.dirty.set()

    async def _refuse(self, field: str, detail: str) -> None:
        await self._send({"type": "error", "field": field, "detail": detail})
        await self.close(code=close_codes.BAD_REQUEST)

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None
            self.pusher.cancel()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return  # nothing to say: reconnect with ?filter= to change the display filter

    async def capture_progress(self, message: dict) -> None:
        self.dirty.set()

    async def capture_started(self, message: dict) -> None:
        self.status_changed = True
        self.dirty.set()

    async def capture_ended(self, message: dict) -> None:
        self.status_changed = True
        self.dirty.set()

    async def _push_forever(self) -> None:
        while True:
            await self.dirty.wait()
            self.dirty.clear()
            status_changed, self.status_changed = self.status_changed, False
            try:
                await self._push_new_packets()
            except decode.DecodeError as error:
                await self._send({"type": "error", "field": "", "detail": str(error)})
            if status_changed:
                state = await _capture_state(self.project, self.capture_id)
                if state is not None:
                    await self._send({"type": "capture", "capture": state})

    async def _push_new_packets(self) -> None:
        chunk = await asyncio.to_thread(decode.read_chunk, self.path, self.offset, self.next_number)
        if chunk is None or not chunk.records:
            return
        if not self.start_ns:
            self.start_ns = chunk.records[0].timestamp_ns if self.next_number == 1 else \
                await asyncio.to_thread(decode.first_timestamp, self.path)
        whole = await asyncio.to_thread(decode.from_first_packet, self.path, chunk)
        rows = await asyncio.to_thread(decode.summaries, whole, self.start_ns, self.display_filter,
                                       max(self.after, chunk.first_number - 1), len(chunk.records))
        self.offset = chunk.next_offset
        self.next_number = chunk.records[-1].number + 1
        for start in range(0, len(rows), BATCH):
            await self._send({"type": "packets", "packets": rows[start:start + BATCH]})

    async def _send(self, message: dict) -> None:
        await self.send(text_data=json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":")))
