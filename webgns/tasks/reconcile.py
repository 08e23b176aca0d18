"""Reconcile: compare what the host really runs (by labels) with the database, and fix the record.

Runs when a worker starts and then periodically (beat, every WEBGNS_RECONCILE_SECONDS). First it
fails operations whose worker is gone or whose deadline passed (`claims`), which frees their
projects; then it reports what is true — a container killed behind webgns's back shows as `error`
with that reason, one a dead worker left running shows `started` — and removes what belongs to
projects that no longer exist. It also records what this host can do (netem, OVS...).
"""

import contextlib
import logging
from dataclasses import asdict

import redis
from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from webgns.compute.specs import ERROR, STARTED, STARTING, STOPPED, STOPPING
from webgns.labs.choices import OperationStatus
from webgns.labs.models import ComputeHost, Node, Operation, Project
from webgns.tasks import claims
from webgns.tasks.engine import lab_engine
from webgns.tasks.locks import _redis
from webgns.tasks.status import set_node_status

log = logging.getLogger(__name__)

RECONCILE_LOCK_SECONDS = 300


def record_capabilities() -> dict:
    from webgns.compute.capabilities import detect_capabilities

    caps = asdict(detect_capabilities())
    ComputeHost.objects.update_or_create(name=settings.WEBGNS_COMPUTE_HOST, defaults={"capabilities": caps})
    return caps


@shared_task(name="webgns.tasks.reconcile.reconcile_host")
def reconcile_host() -> dict:
    # One reconcile at a time per host: beat may queue one while the last still runs.
    guard = _redis().lock(f"webgns:lock:reconcile:{settings.WEBGNS_COMPUTE_HOST}", timeout=RECONCILE_LOCK_SECONDS)
    try:
        if not guard.acquire(blocking=False):
            return {"skipped": "another reconcile is running"}
    except redis.RedisError:
        log.exception("reconcile runs without its guard (Redis unavailable)")
        guard = None
    try:
        return _reconcile()
    finally:
        if guard is not None:
            with contextlib.suppress(redis.RedisError):  # it expires on its own
                guard.release()


def _reconcile() -> dict:
    failed = [str(op.pk) for op in claims.fail_dead_operations()]
    resent = claims.resend_unclaimed()
    record_capabilities()
    engine = lab_engine()
    observed = engine.observe()
    fixed = []
    # A node of a project with an operation under way is between states on purpose (a start not
    # yet reached it); the operation will record the truth. Operations of dead workers were failed
    # just above, so what is left unfinished has a live worker (or waits for one).
    busy = Operation.objects.filter(
        status__in=[OperationStatus.PENDING, OperationStatus.RUNNING], finished__isnull=True,
    ).values_list("project_id", flat=True)
    busy_projects = {str(p) for p in busy}
    nodes = (
        Node.objects.filter(compute_host=settings.WEBGNS_COMPUTE_HOST)
        .exclude(status=STOPPED)
        .exclude(project_id__in=busy_projects)
    )
    for node in nodes.only("id", "status", "name"):
        seen = observed.get(str(node.id))
        running = bool(seen and seen.running)
        if node.status in (STARTED, STARTING, STOPPING) and not running:
            # STARTING/STOPPING with nothing running means a worker died mid-operation.
            if node.status == STOPPING:
                set_node_status(str(node.id), STOPPED)
            elif node.status == STARTING:
                set_node_status(str(node.id), ERROR, "Its start did not finish (the operation failed: see it). "
                                "Start it again.")
            else:
                set_node_status(str(node.id), ERROR, "The node is no longer running on its host "
                                "(stopped or killed outside webgns). Start it again.")
            fixed.append(node.name)
        elif node.status in (STARTING, STOPPING) and running:
            # A start (or stop) whose worker died after the container came up: it runs.
            set_node_status(str(node.id), STARTED)
            fixed.append(node.name)
    for node_id, seen in observed.items():
        if seen.running:
            if seen.project_id in busy_projects:
                continue
            node = Node.objects.filter(pk=node_id).exclude(status=STARTED).only("id", "status").first()
            if node is not None and node.status in (STOPPED, ERROR):
                set_node_status(node_id, STARTED)
                fixed.append(node_id)
    known = {str(p) for p in Project.objects.values_list("id", flat=True)}
    removed = engine.remove_orphans(known)
    return {"failed_operations": failed, "resent_operations": resent, "fixed": fixed, "removed": removed}


@worker_ready.connect
def _on_worker_ready(sender=None, **kwargs) -> None:
    try:
        reconcile_host.delay()
    except Exception:  # the worker must come up even if the broker hiccups
        log.exception("could not queue the start-up reconcile")
