"""Project events: numbered per project in Redis and sent to the project's channel-layer group.

Both the web tier (a node added through the API) and workers (a node started) publish here; the
events consumer (`webgns.live`) forwards them to browsers. `seq` comes from one Redis counter
per project, so every process agrees; a short lock keeps numbering and sending in one order.

`seq` never goes back, even when Redis restarts empty: the database holds, per project, a ceiling
that no issued `seq` exceeds (`Project.event_seq_reserved`, raised a block at a time, so one write
per SEQ_BLOCK events). A counter found missing — or past its ceiling — continues above the stored
ceiling: after a Redis restart numbering jumps ahead by at most SEQ_BLOCK and clients resync.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from webgns.redis_client import redis_client as _redis

log = logging.getLogger(__name__)


def group_name(project_id: object) -> str:
    return f"project.{project_id}"




def _seq_key(project_id: object) -> str:
    return f"webgns:seq:{project_id}"


SEQ_BLOCK = 1000


def _ceiling_key(project_id: object) -> str:
    return f"webgns:seqceiling:{project_id}"


def _stored_ceiling(project_id: object) -> int:
    from webgns.labs.models import Project

    return Project.objects.filter(pk=project_id).values_list("event_seq_reserved", flat=True).first() or 0


def current_seq(project_id: object) -> int:
    seq = _redis().get(_seq_key(project_id))
    # A lost counter: every seq issued so far is at most the stored ceiling, every later one above it.
    return int(seq) if seq is not None else _stored_ceiling(project_id)


def next_seq(project_id: object) -> int:
    """The project's next seq (call under the project's seq lock)."""
    from webgns.labs.models import Project

    r = _redis()
    seq = r.incr(_seq_key(project_id))
    ceiling = r.get(_ceiling_key(project_id))
    if ceiling is None or seq > int(ceiling):
        # Redis lost the counter (it restarted at 1), or the reserved block is used up.
        seq = max(seq, _stored_ceiling(project_id) + 1)
        ceiling = seq + SEQ_BLOCK
        Project.objects.filter(pk=project_id).update(event_seq_reserved=ceiling)
        r.set(_seq_key(project_id), seq)
        r.set(_ceiling_key(project_id), ceiling)
    return seq


def publish_now(project_id: object, event_type: str, **payload: object) -> int:
    """Number and send one event; returns its seq. Failures are logged, never raised:
    the database is the truth and a client that misses an event resyncs."""
    try:
        with _redis().lock(f"webgns:seqlock:{project_id}", timeout=5, blocking_timeout=5):
            seq = next_seq(project_id)
            # The channel layer speaks msgpack, which knows no UUID/datetime: send what the JSON API sends.
            event = json.loads(json.dumps({"type": event_type, "seq": seq, **payload}, cls=DjangoJSONEncoder))
            message = {"type": "project.event", "event": event}
            async_to_sync(get_channel_layer().group_send)(group_name(project_id), message)
        return seq
    except Exception:  # a lost event costs a resync; a failed request would cost the change
        log.exception("could not publish %s for project %s", event_type, project_id)
        return -1


def publish(project_id: object, event_type: str, **payload: object) -> None:
    """Publish once the surrounding transaction commits, so no event names uncommitted state."""
    transaction.on_commit(lambda: publish_now(project_id, event_type, **payload))


def publish_unnumbered(project_id: object, event_type: str, **payload: object) -> None:
    """Send an event that carries no `seq` (link.stats): a measurement, not a change of state.

    It is superseded by the next one a second later, so losing one costs nothing and a client must
    not count it in the sequence (no gap, no resync). Failures are logged, never raised.
    """
    try:
        event = json.loads(json.dumps({"type": event_type, **payload}, cls=DjangoJSONEncoder))
        async_to_sync(get_channel_layer().group_send)(group_name(project_id), {"type": "project.event", "event": event})
    except Exception:
        log.exception("could not publish %s for project %s", event_type, project_id)
