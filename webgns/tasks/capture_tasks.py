"""The capture task: resolve the link end, open the packet socket, hand it to the process's runner.

Division of labour: the engine (`compute.packet_capture`) captures; this thin wrapper turns the
`Capture` row into the engine's arguments, records the outcome on the row and tells the capture's
websocket group. It returns as soon as the socket is open (see `capture_runner` for why the
capture then lives in a thread of the worker process).
"""

from __future__ import annotations

import datetime
import logging

import redis
from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from webgns.captures import signals_keys
from webgns.captures.choices import CaptureStatus
from webgns.captures.models import Capture
from webgns.compute.errors import EngineError
from webgns.compute.packet_capture import FAILED, CaptureFailed, CaptureLimits, CaptureResult, PacketCapture
from webgns.labs.models import Node
from webgns.packets.bpf import FilterError, compile_filter
from webgns.tasks.capture_runner import runner, send_to_group
from webgns.tasks.engine import lab_engine
from webgns.tasks.specs_from_models import link_spec, node_spec

log = logging.getLogger(__name__)


def _fail(capture_id: str, error: str) -> None:
    Capture.objects.filter(pk=capture_id).update(status=CaptureStatus.ERROR, error=error, ended=timezone.now())
    send_to_group(capture_id, {"type": "capture.ended"})


@shared_task(name="webgns.tasks.capture_tasks.start_capture")
def start_capture(capture_id: str) -> None:
    capture = Capture.objects.select_related("link").filter(pk=capture_id).first()
    if capture is None or capture.status not in (CaptureStatus.STARTING, CaptureStatus.STOPPING):
        return  # deleted, or a redelivered task whose capture already ran
    if capture.status == CaptureStatus.STOPPING or redis.Redis.from_url(settings.REDIS_URL).exists(
            signals_keys.stop_key(capture_id)):
        Capture.objects.filter(pk=capture_id).update(status=CaptureStatus.STOPPED, reason="stopped",
                                                     ended=timezone.now())
        send_to_group(capture_id, {"type": "capture.ended"})
        return
    link = capture.link
    if link is None:
        _fail(capture_id, "the link was deleted before the capture started")
        return
    nodes = {str(n.id): node_spec(n) for n in Node.objects.filter(pk__in=[link.a_node_id, link.b_node_id])
             .select_related("template")}
    try:
        program = compile_filter(capture.filter)
        end = lab_engine().link_end(link_spec(link), nodes, 0 if capture.end == "a" else 1)
        capture.path.parent.mkdir(parents=True, exist_ok=True)
        packet_capture = PacketCapture(
            end.netns, end.ifname, str(capture.path), program,
            CaptureLimits(capture.max_packets, capture.max_bytes, capture.max_seconds), description=capture.interface,
        )
        packet_capture.open()
    except (FilterError, CaptureFailed, EngineError, OSError) as error:
        _fail(capture_id, str(error))
        return
    Capture.objects.filter(pk=capture_id, status=CaptureStatus.STARTING).update(
        status=CaptureStatus.RUNNING, started=timezone.now())
    Capture.objects.filter(pk=capture_id, started__isnull=True).update(started=timezone.now())
    runner().launch(capture_id, packet_capture, lambda result: _ended(capture_id, result),
                    lambda packets, size: _counts(capture_id, packets, size))
    send_to_group(capture_id, {"type": "capture.started"})


def _counts(capture_id: str, packets: int, size: int) -> None:
    try:
        Capture.objects.filter(pk=capture_id).update(packets=packets, bytes=size)
    finally:
        close_old_connections()


def _ended(capture_id: str, result: CaptureResult) -> None:
    try:
        failed = result.reason == FAILED
        Capture.objects.filter(pk=capture_id).update(
            status=CaptureStatus.ERROR if failed else CaptureStatus.STOPPED, reason=result.reason,
            error=result.error, packets=result.packets, bytes=result.bytes, kernel_drops=result.kernel_drops,
            ended=timezone.now())
        send_to_group(capture_id, {"type": "capture.ended"})
    finally:
        close_old_connections()


@shared_task(name="webgns.tasks.capture_tasks.expire_captures")
def expire_captures() -> int:
    """Delete finished captures older than the retention (their files go with them); returns how many."""
    from webgns.captures import limits
    from webgns.captures.choices import ACTIVE

    cutoff = timezone.now() - datetime.timedelta(days=limits.retention_days())
    old = Capture.objects.filter(created__lt=cutoff).exclude(status__in=ACTIVE)
    count = 0
    for capture in old.iterator():
        capture.delete()  # one by one: the post_delete signal removes each file
        count += 1
    return count
