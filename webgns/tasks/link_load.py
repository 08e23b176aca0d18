"""Link load: while someone watches a project, sample its links' counters every second and publish rates.

Division of labour: the events consumer asks for a sampler when the first socket opens
(`labs.subscribers`); this task takes the project's lease and starts a sampler thread in the
worker process (a thread, not a long task, for the reason `capture_runner` gives), which reads the
counters through the engine (`compute.link_counters`) and publishes one `link.stats` event per
second, without `seq` (`labs.events.publish_unnumbered`). It ends when the last socket closes,
when the project is gone, or when it loses its lease.

Where each link's ends are is looked up again every `RESOLVE_SECONDS` (a Docker inspect per
node): links added, nodes restarted, are picked up within that time.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from celery import shared_task
from django.db import close_old_connections

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
    if not subscribers.take_lease(project_id, owner):
        return  # a sampler runs already
    threading.Thread(target=_sample, args=(project_id, owner), name=f"webgns-linkload-{project_id[:8]}",
                     daemon=True).start()


def resolve_ends(project_id: str) -> tuple[dict[str, tuple[LinkEnd, LinkEnd]], set[str]] | None:
    """Both ends of every up link of the project, and the ids of those with an impairment; None if it is gone."""
    if not Project.objects.filter(pk=project_id).exists():
        return None
    links = list(Link.objects.filter(project_id=project_id, status=LinkStatus.UP))
    node_ids = {n for link in links for n in (link.a_node_id, link.b_node_id)}
    nodes = {str(n.id): node_spec(n) for n in Node.objects.filter(pk__in=node_ids).select_related("template")}
    specs = [link_spec(link) for link in links]
    shaped = {spec.id for spec in specs if not (spec.a_to_b.is_empty and spec.b_to_a.is_empty)}
    return lab_engine().link_ends(specs, nodes), shaped


def _sample(project_id: str, owner: str) -> None:
    meter = LoadMeter()
    reader = CounterReader()
    ends: dict[str, tuple[LinkEnd, LinkEnd]] = {}
    shaped: set[str] = set()
    resolved_at = 0.0
    try:
        while subscribers.count(project_id) > 0 and subscribers.renew_lease(project_id, owner):
            now = time.monotonic()
            if now - resolved_at >= RESOLVE_SECONDS:
                found = resolve_ends(project_id)
                if found is None:
                    break
                (ends, shaped), resolved_at = found, now
                close_old_connections()
            rates = meter.rates(reader.read(ends, shaped))
            if rates:
                events.publish_unnumbered(project_id, "link.stats", links=rates)
            # From one start to the next, never less than a period: at most one event a second.
            time.sleep(max(0.0, PERIOD_SECONDS - (time.monotonic() - now)))
    except Exception:
        log.exception("link-load sampling of project %s failed", project_id)
    finally:
        reader.close()
        subscribers.release_lease(project_id, owner)
        close_old_connections()
