"""Link load: while someone watches a project, sample its links' counters every second and publish rates.

Division of labour: the events consumer asks for a sampler when the first socket opens
(`labs.subscribers`); this task takes the project's lease and starts a sampler thread in the
worker process (a thread, not a long task, for the reason `capture_runner` gives), which reads the
counters through the engine (`compute.link_counters`) and publishes one `link.stats` event per
second, without `seq` (`labs.events.publish_unnumbered`). It ends when the last socket closes,
when the project is gone, or when it loses its lease.

Where each link's ends are is looked up again every `RESOLVE_SECONDS` (a Docker inspect per
node): links added, nodes restarted, are picked up within that time. A lab on several compute
hosts has one sampler per host (a lease per project and host), each sent to its host's queue: a
host reads its links within it and the links to another host whose a end it has.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q

from webgns.compute.link_counters import CounterReader, LoadMeter
from webgns.compute.links import LinkEnd
from webgns.labs import events, subscribers
from webgns.labs.choices import LinkStatus
from webgns.labs.models import Link, Node, Project
from webgns.tasks.engine import lab_engine
from webgns.tasks.specs_from_models import link_spec, node_spec

log = logging.getLogger(__name__)

PERIOD_SECONDS = 1.0
RESOLVE_SECONDS = 5.0


@shared_task(name="webgns.tasks.link_load.sample_link_load")
def sample_link_load(project_id: str) -> None:
    owner = uuid.uuid4().hex
    if not subscribers.take_lease(project_id, owner, settings.WEBGNS_COMPUTE_HOST):
        return  # a sampler runs already
    threading.Thread(target=_sample, args=(project_id, owner), name=f"webgns-linkload-{project_id[:8]}",
                     daemon=True).start()


def resolve_ends(project_id: str) -> tuple[dict[str, tuple[LinkEnd, LinkEnd]], set[str], dict[str, LinkEnd]] | None:
    """Both ends of every up link of the project within this host, the ids of those with an
    impairment, and the a ends here of links to other hosts; None if the project is gone."""
    if not Project.objects.filter(pk=project_id).exists():
        return None
    here = settings.WEBGNS_COMPUTE_HOST
    links = list(Link.objects.filter(project_id=project_id, status=LinkStatus.UP)
                 .filter(Q(a_node__compute_host=here) | Q(b_node__compute_host=here)))
    node_ids = {n for link in links for n in (link.a_node_id, link.b_node_id)}
    nodes = {str(n.id): node_spec(n) for n in Node.objects.filter(pk__in=node_ids).select_related("template")}
    specs = [link_spec(link, {str(k): v.compute_host for k, v in nodes.items()}) for link in links]
    shaped = {spec.id for spec in specs if not (spec.a_to_b.is_empty and spec.b_to_a.is_empty)}
    engine = lab_engine()
    return engine.link_ends(specs, nodes), shaped, engine.tunnel_a_ends(specs, nodes)


def _wake_other_hosts(project_id: str, here: str) -> None:
    """A node placed on another host while someone watches: that host gets a sampler too."""
    hosts = set(Node.objects.filter(project_id=project_id).values_list("compute_host", flat=True)) - {here}
    subscribers.wake_samplers(project_id, sorted(hosts))


def _sample(project_id: str, owner: str) -> None:
    host = settings.WEBGNS_COMPUTE_HOST
    meter = LoadMeter()
    reader = CounterReader()
    ends: dict[str, tuple[LinkEnd, LinkEnd]] = {}
    halves: dict[str, LinkEnd] = {}
    shaped: set[str] = set()
    resolved_at = 0.0
    try:
        while subscribers.count(project_id) > 0 and subscribers.renew_lease(project_id, owner, host):
            now = time.monotonic()
            if now - resolved_at >= RESOLVE_SECONDS:
                found = resolve_ends(project_id)
                if found is None:
                    break
                (ends, shaped, halves), resolved_at = found, now
                _wake_other_hosts(project_id, host)
                close_old_connections()
            rates = meter.rates(reader.read(ends, shaped, halves))
            if rates:
                events.publish_unnumbered(project_id, "link.stats", links=rates)
            # From one start to the next, never less than a period: at most one event a second.
            time.sleep(max(0.0, PERIOD_SECONDS - (time.monotonic() - now)))
    except Exception:
        log.exception("link-load sampling of project %s failed", project_id)
    finally:
        reader.close()
        subscribers.release_lease(project_id, owner, host)
        close_old_connections()
