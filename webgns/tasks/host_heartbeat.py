"""A compute host's heartbeat: a thread in the worker that serves the host's `compute.<host>` queue
writes the host's status and capacity to the database every WEBGNS_HOST_HEARTBEAT_SECONDS.

Why a thread and not a beat task: a task waits in a queue behind lab starts, and a heartbeat that
waits is taken for a dead host. Why the database: the web tier (Compute hosts page, scheduler)
and the other hosts read it there. Each beat also looks at the other hosts (`host_monitor`), so a
silent one is noticed by whichever host is still alive.
"""

from __future__ import annotations

import logging
import threading

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from webgns.compute.errors import DOCKER_SILENT
from webgns.compute.host_capacity import measure
from webgns.labs.models import ComputeHost
from webgns.labs.models.compute_host import DOWN, UP
from webgns.tasks.engine import lab_engine
from webgns.tasks.host_monitor import mark_silent_hosts
from webgns.tasks.queues import compute_queue

log = logging.getLogger(__name__)

_running: list[HostHeartbeat] = []


def capacity() -> dict:
    measured = measure()
    offered = settings.WEBGNS_HOST_NODE_MEMORY_MB or measured.memory_mb * 4 // 5
    return {"cpus": measured.cpus, "memory_mb": measured.memory_mb,
            "memory_available_mb": measured.memory_available_mb, "node_memory_mb": offered,
            "max_nodes": settings.WEBGNS_HOST_MAX_NODES}


def beat(host: str) -> bool:
    """Write one heartbeat; True when the host was down until now (it is back).

    A host whose worker lives but whose Docker does not answer is `down` with that reason: nothing
    can start there, and the Compute hosts page says why."""
    fields = {"status": UP, "status_reason": "", "last_seen": timezone.now(), "capacity": capacity()}
    if not lab_engine().docker_answers():
        fields.update(status=DOWN, status_reason=DOCKER_SILENT)
        ComputeHost.objects.filter(name=host).update(**fields) or ComputeHost.objects.get_or_create(
            name=host, defaults=fields)
        return False
    if ComputeHost.objects.filter(name=host, status=DOWN).update(**fields):
        return True
    if not ComputeHost.objects.filter(name=host).update(**fields):
        ComputeHost.objects.get_or_create(name=host, defaults=fields)
    return False


class HostHeartbeat(threading.Thread):
    def __init__(self, host: str, interval: float) -> None:
        super().__init__(name=f"heartbeat-{host}", daemon=True)
        self.host, self.interval = host, interval
        self.stopping = threading.Event()

    def run(self) -> None:
        wait = 0.0
        while not self.stopping.wait(wait):
            wait = self.interval
            try:
                close_old_connections()
                if beat(self.host):
                    log.warning("compute host %s answers again", self.host)
                marked = mark_silent_hosts(self.host)
                if marked:
                    log.warning("compute hosts stopped answering: %s", ", ".join(marked))
            except Exception:  # the database may be away for a while; the next beat tries again
                log.exception("heartbeat of compute host %s failed", self.host)
        connection.close()


def _consumed_queues(sender) -> set[str]:
    try:
        return set(sender.app.amqp.queues.consume_from)
    except Exception:  # an unusual worker: it beats, to be safe (a missed host turns red)
        return {compute_queue(settings.WEBGNS_COMPUTE_HOST)}


@worker_ready.connect
def _start(sender=None, **kwargs) -> None:
    host = settings.WEBGNS_COMPUTE_HOST
    # Only the worker that changes the host speaks for it: an exec or pool worker alone does not.
    if compute_queue(host) not in _consumed_queues(sender):
        return
    heartbeat = HostHeartbeat(host, settings.WEBGNS_HOST_HEARTBEAT_SECONDS)
    heartbeat.start()
    _running.append(heartbeat)


@worker_shutdown.connect
def _stop(**kwargs) -> None:
    for heartbeat in _running:
        heartbeat.stopping.set()
