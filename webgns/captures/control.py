"""The web tier's side of a running capture: ask it to stop, tell a live one from an orphan.

Division of labour: the worker owns the socket; this module only sets the stop flag it polls and
reads the heartbeat it refreshes (names in `signals_keys`). A capture that says it runs but whose
heartbeat is gone had its worker die under it: it is settled here as ended, so it stops counting
against its user's limit and its file (complete up to its last flush) can still be read.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from webgns.captures import signals_keys
from webgns.captures.choices import CaptureStatus
from webgns.captures.models import Capture
from webgns.redis_client import redis_client as _redis

# A queued capture with no worker to open it is given this long before it is declared failed.
START_GRACE_SECONDS = 30




def request_stop(capture: Capture) -> None:
    _redis().set(signals_keys.stop_key(capture.id), 1, ex=signals_keys.STOP_SECONDS)
    if capture.active:
        Capture.objects.filter(pk=capture.pk, status__in=[CaptureStatus.STARTING, CaptureStatus.RUNNING]).update(
            status=CaptureStatus.STOPPING)
        capture.refresh_from_db()


def settle_if_orphaned(capture: Capture) -> Capture:
    """Mark an active capture whose worker is gone as ended; returns the (refreshed) capture."""
    if not capture.active or _redis().exists(signals_keys.alive_key(capture.id)):
        return capture
    since = capture.started or capture.created
    grace = signals_keys.ALIVE_SECONDS * 2 if capture.started else START_GRACE_SECONDS
    if timezone.now() - since < timedelta(seconds=grace):
        return capture
    capture.refresh_from_db()
    if not capture.active:
        return capture
    if capture.started:
        capture.status, capture.reason = CaptureStatus.STOPPED, "worker lost"
    else:
        capture.status, capture.error = CaptureStatus.ERROR, "no worker picked the capture up"
    capture.ended = timezone.now()
    capture.save(update_fields=["status", "reason", "error", "ended"])
    return capture
