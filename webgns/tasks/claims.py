"""Which worker runs an operation, whether it is still alive, and what happens when it is not.

A worker claims an operation before running it (an atomic conditional update: a second delivery
of the same task — Celery redelivers unacknowledged work — finds it claimed by a live worker and
leaves it), then writes a heartbeat every WEBGNS_HEARTBEAT_SECONDS while it runs. Reconcile
(`fail_dead_operations`) fails an unfinished operation whose deadline passed or whose heartbeat
stopped for WEBGNS_WORKER_LOST_AFTER, frees its project lock, and leaves its nodes to the normal
reconcile of real state; it also sends again operations nobody picked up (a Redis restart drops
queued messages). The running task checks its operation at every progress step
(`status.progress`) and stops with OperationAbandoned once it was failed behind its back.
"""

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from webgns.labs.choices import OperationStatus
from webgns.labs.models import Operation

log = logging.getLogger(__name__)

WORKER_LOST = "worker lost"
DEADLINE_PASSED = "deadline passed"
# A pending operation nobody claimed for this long is sent again (its message may be gone).
RESEND_PENDING_AFTER_SECONDS = 60


class OperationAbandoned(Exception):
    """The operation was finished by someone else (reconcile) or ran past its deadline."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.WEBGNS_WORKER_LOST_AFTER)


def claim(operation_id: str, part: int = 0) -> Operation | None:
    """Take part `part` of the operation for this process; None if it is finished, a live worker
    has it, or it is at another part (a stale message of a part already done)."""
    now = timezone.now()
    taken = Operation.objects.filter(
        Q(heartbeat__isnull=True) | Q(heartbeat__lt=_stale_before()),
        pk=operation_id, finished__isnull=True, deadline__gt=now, part=part,
    ).update(worker=worker_name(), heartbeat=now)
    return Operation.objects.filter(pk=operation_id).first() if taken else None


def part_queue(op: Operation) -> str:
    """The queue of the operation's current part: its host's compute queue."""
    from webgns.tasks.queues import COORDINATOR_QUEUE, compute_queue

    host = op.parts[op.part][0] if op.part < len(op.parts or []) else None
    return compute_queue(host) if host else COORDINATOR_QUEUE


def hand_over(op: Operation, part: int) -> None:
    """Move the operation to its part `part` and send it to that part's host: unclaimed (no
    heartbeat), so the next host's worker claims it; no worker waits for another."""
    from webgns.tasks.host_tasks import run_operation

    moved = Operation.objects.filter(pk=op.pk, finished__isnull=True, part=op.part).update(
        part=part, heartbeat=None, worker="")
    if moved:
        op.part = part
        run_operation.apply_async(args=[str(op.pk), part], queue=part_queue(op))


def _beat(operation_id: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WEBGNS_HEARTBEAT_SECONDS):
            try:
                Operation.objects.filter(pk=operation_id, finished__isnull=True).update(heartbeat=timezone.now())
            except Exception as error:  # the database away for a moment: beat again next round
                log.warning("heartbeat of operation %s not written: %s", operation_id, error)
                close_old_connections()
    finally:
        connection.close()


@contextmanager
def heartbeat(operation_id: str) -> Iterator[None]:
    stop = threading.Event()
    beater = threading.Thread(target=_beat, args=(operation_id, stop), daemon=True, name=f"heartbeat-{operation_id}")
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()


def still_ours(op: Operation) -> None:
    """Raise OperationAbandoned if `op` was finished elsewhere; fail it here if its deadline passed."""
    row = Operation.objects.filter(pk=op.pk).values("finished", "error", "deadline").first()
    if row is None:
        raise OperationAbandoned("the operation was deleted")
    if row["finished"] is not None:
        raise OperationAbandoned(row["error"] or "the operation was finished elsewhere")
    if row["deadline"] <= timezone.now():
        raise OperationAbandoned(DEADLINE_PASSED)


def _reason(op: Operation, now) -> str | None:
    if op.deadline <= now:
        return (f"{DEADLINE_PASSED}: not finished within {settings.WEBGNS_OPERATION_DEADLINE} s "
                f"(WEBGNS_OPERATION_DEADLINE)")
    if op.heartbeat is not None and op.heartbeat < _stale_before():
        return (f"{WORKER_LOST}: its worker ({op.worker or 'unknown'}) stopped for "
                f"{settings.WEBGNS_WORKER_LOST_AFTER} s or more; the nodes show what really runs")
    return None


def fail_dead_operations() -> list[Operation]:
    """Fail unfinished operations whose worker is gone or whose deadline passed; free their locks."""
    from webgns.tasks.locks import force_release
    from webgns.tasks.status import progress

    now = timezone.now()
    failed = []
    candidates = Operation.objects.filter(finished__isnull=True).filter(
        Q(deadline__lte=now) | Q(heartbeat__lt=_stale_before()))
    for op in candidates:
        reason = _reason(op, now)
        if reason is None:
            continue
        # Conditional: the worker may have finished it a moment ago.
        if not Operation.objects.filter(pk=op.pk, finished__isnull=True).update(status=OperationStatus.ERROR):
            continue
        op.refresh_from_db()
        progress(op, status=OperationStatus.ERROR, error=reason, check=False)
        if op.worker:
            try:
                force_release(str(op.project_id), f"op-{op.pk}")
            except Exception:  # the lock expires on its own within a minute
                log.exception("could not free the lock of project %s", op.project_id)
        log.warning("operation %s (%s) failed: %s", op.pk, op.kind, reason)
        failed.append(op)
    return failed


def resend_unclaimed() -> list[str]:
    """Send again pending operations no worker has claimed for a while (their message was lost)."""
    from webgns.tasks.host_tasks import run_operation

    cutoff = timezone.now() - timedelta(seconds=RESEND_PENDING_AFTER_SECONDS)
    waiting = Operation.objects.filter(
        finished__isnull=True, heartbeat__isnull=True, created__lt=cutoff, deadline__gt=timezone.now(),
    ).only("pk", "parts", "part")
    from webgns.tasks.locks import _redis

    resent = []
    for op in waiting:
        operation_id = str(op.pk)
        # Once per 5 minutes at most (per part); after a Redis restart the marker is gone with the message.
        if _redis().set(f"webgns:resent:{operation_id}:{op.part}", 1, nx=True, ex=300):
            run_operation.apply_async(args=[operation_id, op.part], queue=part_queue(op))
            resent.append(operation_id)
    return resent
