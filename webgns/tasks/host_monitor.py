"""Noticing a compute host that stopped answering: it turns `down` and its nodes `error`, with why.

Division of labour: every compute worker's heartbeat (`host_heartbeat`) writes its own host's
`last_seen` and, in the same breath, calls `mark_silent_hosts` to look at the others — so no
single coordinator has to live for a silent host to be noticed, and with several hosts watching,
the conditional update below lets exactly one of them do the marking. A host that comes back
beats again (status `up`); its start-up reconcile then reports its nodes' truth (running again:
`started`).
"""

from __future__ import annotations

from django.utils import timezone

from webgns.compute.specs import ERROR, STARTED, STARTING, STOPPING
from webgns.labs.models import ComputeHost, Node
from webgns.labs.models.compute_host import DOWN, UP, silent_since
from webgns.tasks.status import set_node_status

# The states a silent host's nodes can no longer be trusted in (stopped ones are stopped anyway).
UNKNOWABLE = (STARTED, STARTING, STOPPING)


def mark_silent_hosts(watcher: str) -> list[str]:
    """Mark down every other host silent for longer than WEBGNS_HOST_DOWN_AFTER, and its nodes
    `error`; returns the hosts this call marked."""
    cutoff = silent_since(timezone.now())
    marked = []
    for host in ComputeHost.objects.filter(status=UP, last_seen__lt=cutoff).exclude(name=watcher):
        reason = f"no heartbeat since {host.last_seen:%Y-%m-%d %H:%M:%S} UTC"
        # Another watcher, or the host's own heartbeat, may have written since the read above.
        if not ComputeHost.objects.filter(name=host.name, status=UP, last_seen__lt=cutoff).update(
                status=DOWN, status_reason=reason):
            continue
        marked.append(host.name)
        nodes = Node.objects.filter(compute_host=host.name, status__in=UNKNOWABLE).values_list("id", flat=True)
        for node_id in nodes:
            set_node_status(str(node_id), ERROR,
                            f"Its compute host {host.name!r} stopped answering ({reason}): what it runs is "
                            "unknown until the host is back.")
    return marked
