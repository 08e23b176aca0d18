"""Exec as a job the client waits on: `POST …/exec/` with `"wait": false` (the default for timeouts
above WEBGNS_EXEC_WAIT_MAX) answers 202 at once, and `GET …/exec/<id>/` tells `running` or the result.

Why not an Operation row: an exec changes nothing in the lab, must not take the project's lock (a
start would wait behind a 2-minute command) and its output is the user's alone; so the job is the
Celery task itself, on the node's host's exec queue, with its result in the result backend, and a
record in Redis that ties its id to the project, node and user who may read it (an id alone gives
nothing: the GET also checks the caller's access to the project). The user's exec slot is held
until the result is read or the slot expires, so async commands count against
WEBGNS_EXEC_PER_USER as waiting ones do.
"""

from __future__ import annotations

import json

from celery.result import AsyncResult

from webgns.labs.exec_slots import MARGIN_SECONDS, release_slot, take_slot
from webgns.labs.models import Node
from webgns.redis_client import redis_client as _redis
from webgns.tasks import host_tasks, routing

# How long a finished job's result can be read (the result backend keeps it this long too).
KEEP_SECONDS = 3600




def _key(job_id: str) -> str:
    return f"webgns:exec-job:{job_id}"


def start(node: Node, user_id: object, command: str, timeout: float) -> str:
    """Send the command to the node's host; raises TooManyExecs when the user has no slot left."""
    slot = take_slot(user_id, timeout)
    try:
        result = routing.send(host_tasks.exec_in_node, node.compute_host, str(node.id), command, timeout,
                              exec_work=True)
    except Exception:
        release_slot(user_id, slot)
        raise
    record = {"project": str(node.project_id), "node": str(node.id), "user": str(user_id), "slot": slot}
    _redis().set(_key(result.id), json.dumps(record), ex=int(timeout + MARGIN_SECONDS + KEEP_SECONDS))
    return result.id


def read(job_id: str, node: Node) -> dict | None:
    """{"status": "running"} or {"status": "done", ...result} or {"status": "refused", "detail"}; None
    when no job of that id ran on this node (or it is past keeping)."""
    raw = _redis().get(_key(job_id))
    record = json.loads(raw) if raw else None
    if record is None or record["node"] != str(node.id):
        return None
    result = AsyncResult(job_id)
    if not result.ready():
        return {"id": job_id, "status": "running"}
    release_slot(record["user"], record["slot"])
    try:
        outcome = result.get(timeout=5, propagate=False)
    except Exception as error:  # the backend lost it: say so rather than 500
        return {"id": job_id, "status": "refused", "detail": f"its result could not be read: {error}"}
    if not isinstance(outcome, dict):
        return {"id": job_id, "status": "refused", "detail": f"the worker failed: {outcome}"}
    if "refused" in outcome:
        return {"id": job_id, "status": "refused", "detail": outcome["refused"]}
    return {"id": job_id, "status": "done", **outcome}
