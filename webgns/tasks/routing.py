"""Where a task goes: the queue of the compute host that owns the nodes it concerns.

Division of labour: `queues.py` names the queues; this module picks them for a task from the
nodes (or hosts) it is about, and is the one place the web tier, the classrooms and the tasks
send host work through. Messages carry ids; deletions carry specs (the rows are gone when the
worker runs), which the callers build. Nothing here waits for a result.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from webgns.tasks.queues import COORDINATOR_QUEUE, compute_queue, exec_queue


def hosts_of(nodes: Iterable) -> list[str]:
    """The distinct compute hosts of `nodes` (models or specs with `compute_host`), in a stable order."""
    return sorted({node.compute_host for node in nodes})


def queue_for(host: str | None, exec_work: bool = False) -> str:
    """`host`'s compute (or exec) queue; None: the coordinator's queue."""
    if host is None:
        return COORDINATOR_QUEUE
    return exec_queue(host) if exec_work else compute_queue(host)


def send(task, host: str | None, *args, exec_work: bool = False, **options):
    """Send `task(*args)` now to `host`'s compute (or exec) queue; None: the coordinator's queue."""
    return task.apply_async(args=list(args), queue=queue_for(host, exec_work), **options)


# A request tries the broker once, its connect bounded by WEBGNS_BROKER_CONNECT_TIMEOUT (redis-py
# itself reconnects a pooled connection that went stale in a Redis restart): with Redis away it
# answers 503 in seconds, where Celery's default retries and the result backend's reconnects made
# it a 500 after 19 s.
PUBLISH_RETRY = {"max_retries": 0}


class BrokerUnavailable(Exception):
    """The task could not be handed to the broker: nothing was sent, nothing will run."""


def publish(task, host: str | None, *args, **options) -> None:
    """Send `task(*args)` now, for nobody to wait on its result; BrokerUnavailable if Redis is away."""
    from kombu.exceptions import OperationalError

    try:
        send(task, host, *args, ignore_result=True, retry_policy=PUBLISH_RETRY, **options)
    except OperationalError as error:
        raise BrokerUnavailable(f"The task broker (Redis) is not answering ({error}); nothing was started or "
                                "changed on the hosts. Try again in a moment.") from error


def enqueue(task, host: str | None, *args, **options) -> None:
    """Like `publish`, once the current transaction commits (the worker must see the rows)."""
    transaction.on_commit(lambda: publish(task, host, *args, **options))


def enqueue_for_nodes(task, nodes: Iterable, *args, **options) -> None:
    """Enqueue `task(*args)` once for each host of `nodes`: each does its own share of the work."""
    for host in hosts_of(nodes):
        enqueue(task, host, *args, **options)
