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
from django.db.models import Q

from webgns.compute.errors import is_docker_silent
from webgns.compute.specs import (
    BRIDGE,
    ERROR,
    LINK_DOWN,
    LINK_UP,
    OVS,
    STARTED,
    STARTING,
    STOPPED,
    STOPPING,
    UNKNOWN,
    LinkState,
)
from webgns.labs.choices import OperationStatus
from webgns.labs.models import ComputeHost, Link, Node, Operation, Project
from webgns.tasks import claims, port_records
from webgns.tasks.engine import lab_engine
from webgns.tasks.locks import _redis
from webgns.tasks.queues import compute_queue
from webgns.tasks.specs_from_models import link_spec, node_spec
from webgns.tasks.status import save_link_state, set_node_status

log = logging.getLogger(__name__)

RECONCILE_LOCK_SECONDS = 300


def record_capabilities() -> dict:
    from webgns.compute.capabilities import detect_capabilities

    caps = asdict(detect_capabilities())
    if settings.WEBGNS_UNDERLAY_ADDRESS:  # where other hosts send this host's links' VXLAN packets
        caps["underlay_address"] = settings.WEBGNS_UNDERLAY_ADDRESS
    # Liveness (last_seen, status) is the heartbeat's to write (host_heartbeat), not this.
    ComputeHost.objects.update_or_create(name=settings.WEBGNS_COMPUTE_HOST, defaults={"capabilities": caps})
    return caps


@shared_task(name="webgns.tasks.reconcile.reconcile_all")
def reconcile_all() -> list[str]:
    """Beat's job on the coordinator's queue: one reconcile_host for each known compute host, on
    that host's queue (each host can only see its own containers and links)."""
    hosts = set(ComputeHost.objects.values_list("name", flat=True))
    hosts |= set(Node.objects.values_list("compute_host", flat=True).distinct())
    hosts.add(settings.WEBGNS_COMPUTE_HOST)
    for host in sorted(hosts):
        # Expires like beat's own job: one queued for a host whose worker is away is dropped.
        reconcile_host.apply_async(queue=compute_queue(host), expires=settings.WEBGNS_RECONCILE_SECONDS)
    return sorted(hosts)


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
    try:
        observed = engine.observe()
    except Exception as error:
        if not is_docker_silent(error):
            raise
        return {"docker": "silent", "unknown": _docker_silent()}
    fixed = []
    # A node of a project with an operation under way is between states on purpose (a start not
    # yet reached it); the operation will record the truth. Operations of dead workers were failed
    # just above, so what is left unfinished has a live worker (or waits for one).
    busy = Operation.objects.filter(
        status__in=[OperationStatus.PENDING, OperationStatus.RUNNING], finished__isnull=True,
    ).values_list("project_id", flat=True)
    busy_projects = {str(p) for p in busy}
    # A frozen copy of the warm pool is not "no longer running": it waits, whole, for a student.
    busy_projects |= {seen.project_id for seen in observed.values() if seen.paused}
    nodes = (
        Node.objects.filter(compute_host=settings.WEBGNS_COMPUTE_HOST)
        .exclude(status=STOPPED)
        .exclude(project_id__in=busy_projects)
    )
    for node in nodes.only("id", "status", "name"):
        seen = observed.get(str(node.id))
        running = bool(seen and seen.running)
        if node.status in (STARTED, UNKNOWN) and not running:
            why = engine.stop_reason(seen.container_id) if seen and seen.container_id else (
                "The node is no longer running on its host (stopped or killed outside webgns). Start it again.")
            set_node_status(str(node.id), ERROR, why)
            fixed.append(node.name)
        elif node.status in (STARTING, STOPPING) and not running:
            # STARTING/STOPPING with nothing running means a worker died mid-operation.
            if node.status == STOPPING:
                set_node_status(str(node.id), STOPPED)
            elif node.status == STARTING:
                set_node_status(str(node.id), ERROR, "Its start did not finish (the operation failed: see it). "
                                "Start it again.")
            fixed.append(node.name)
        elif node.status in (STARTING, STOPPING, UNKNOWN) and running:
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
    links = _reconcile_links(engine, busy_projects)
    # One read of this host's running nodes serves the disk limit and the port records.
    running = list(Node.objects.filter(compute_host=settings.WEBGNS_COMPUTE_HOST, status=STARTED)
                   .exclude(project_id__in=busy_projects).select_related("template", "project"))
    over_disk = _enforce_disk_limit(engine, running)
    recorded = port_records.remember(engine, [node_spec(n) for n in running if n.name not in over_disk])
    known = {str(p) for p in Project.objects.values_list("id", flat=True)}
    removed = engine.remove_orphans(known)
    return {"failed_operations": failed, "resent_operations": resent, "fixed": fixed, "links": links,
            "removed": removed, "over_disk": over_disk, "ports_recorded": recorded}


def _docker_silent() -> list[str]:
    """Docker on this host does not answer: whether its nodes run cannot be known. They show
    `unknown` with the reason until Docker answers and a reconcile finds the truth."""
    here = settings.WEBGNS_COMPUTE_HOST
    marked = []
    for node in Node.objects.filter(compute_host=here, status__in=[STARTED, STARTING, STOPPING]).only("id", "name"):
        set_node_status(str(node.id), UNKNOWN, f"Docker on compute host '{here}' does not answer: whether this "
                        "node runs is unknown until it answers again.")
        marked.append(node.name)
    return marked


def _enforce_disk_limit(engine, nodes: list[Node]) -> list[str]:
    """Stop every running node of this host whose own filesystem grew past WEBGNS_NODE_DISK_MB, with
    the reason on the node. Its link ends are parked as a stop parks them, so its neighbours keep
    their interfaces. The storage driver here has no quota (node_disk), so this measure is the limit."""
    limit_mb = settings.WEBGNS_NODE_DISK_MB
    if not limit_mb:
        return []
    stopped = []
    for node in nodes:
        spec = node_spec(node)
        used = engine.disk_usage(spec)
        if used is None or used <= limit_mb << 20:
            continue
        links = [link_spec(lk) for lk in Link.objects.filter(Q(a_node=node) | Q(b_node=node))
                 .select_related("a_node", "b_node")]
        try:
            engine.stop_node(spec, links)
        except Exception:
            log.exception("could not stop %s, over its disk limit", node.name)
            continue
        set_node_status(str(node.id), ERROR, f"Stopped: it wrote {used / (1 << 20):.0f} MiB to its own disk, over the "
                        f"{limit_mb} MiB a node may write (WEBGNS_NODE_DISK_MB). Start it and remove files at once, "
                        "or reset it.")
        for link in links:
            save_link_state(link.id, LinkState(LINK_DOWN, f"node {node.name} is stopped"))
        stopped.append(node.name)
    return stopped


def _reconcile_links(engine, busy_projects: set[str]) -> dict:
    """Links say what is true: `down` (with the reason) when a node of theirs does not run, and
    re-plumbed when both run but the host lost the link — a node killed and started again outside
    webgns comes back in a new namespace without its interfaces. A node whose interfaces were made
    again runs its startup lines again (they configured the interfaces that were lost)."""
    here = settings.WEBGNS_COMPUTE_HOST
    links = list(Link.objects.exclude(project_id__in=busy_projects)
                 .filter(Q(a_node__compute_host=here) | Q(b_node__compute_host=here))
                 .select_related("a_node__template", "b_node__template", "a_node__project", "b_node__project"))
    went_down, to_check, nodes = [], [], {}
    for link in links:
        ends = (link.a_node, link.b_node)
        if link.vni is not None:  # between two hosts: this host's end follows its own node only
            ends = tuple(n for n in ends if n.compute_host == here)
            for node in (link.a_node, link.b_node):
                nodes[str(node.id)] = node_spec(node)
        idle = [n for n in ends if n.status != STARTED]
        if idle and link.vni is not None:
            continue  # its node's stop recorded its end down; nothing to make
        if idle:
            if link.status == LINK_UP:
                save_link_state(str(link.id), LinkState(LINK_DOWN, f"node {idle[0].name} is {idle[0].status}"))
                went_down.append(str(link.id))
            continue
        for node in ends:
            nodes[str(node.id)] = node_spec(node)
        to_check.append(link)
    specs = {str(lk.id): link_spec(lk, {str(lk.a_node_id): lk.a_node.compute_host,
                                         str(lk.b_node_id): lk.b_node.compute_host}) for lk in to_check}
    broken = engine.broken_links(list(specs.values()), nodes) if specs else {}
    # Also links recorded down/error whose nodes both run: plumbing is idempotent.
    # A link between hosts is checked by its end here: redo it when that end is not up.
    redo = set(broken) | {str(lk.id) for lk in to_check if lk.status != LINK_UP and (
        lk.vni is None or (lk.ends or {}).get("a" if lk.a_node.compute_host == here else "b", {}).get("status")
        != LINK_UP)}
    states = engine.plumb_links([specs[i] for i in redo], nodes) if redo else {}
    rerun: set[str] = set()
    for link_id, state in states.items():
        save_link_state(link_id, state)
        if link_id in broken and state.status == LINK_UP:
            link = specs[link_id]
            rerun |= {n for n in (link.a.node_id, link.b.node_id) if nodes[n].compute_host == here}
    for node_id in rerun:
        spec = nodes[node_id]
        restored = port_records.restore(engine, spec)
        if restored is not None:
            # Still in the namespace its ports were recorded in: a neighbour of a node that came
            # back. Its startup lines already ran there; what it lost comes back from the record.
            if restored:
                log.info("put back on %s after re-plumbing: %s", spec.name, ", ".join(restored))
            continue
        if spec.startup and spec.kind not in (OVS, BRIDGE):
            # Its interfaces were made again: they need the lines again, though the container did not restart.
            result = engine.run_startup(spec, force=True)
            if result.exit_code != 0:
                log.info("startup lines of %s exited %s after re-plumbing", spec.name, result.exit_code)
    if broken:
        log.warning("re-plumbed links the host had lost: %s", broken)
    return {"down": went_down, "replumbed": sorted(k for k in broken if states.get(k, LinkState("")).status == LINK_UP),
            "broken": broken}


@worker_ready.connect
def _on_worker_ready(sender=None, **kwargs) -> None:
    try:
        # This worker's own host: its start-up reconcile stays local.
        reconcile_host.apply_async(queue=compute_queue(settings.WEBGNS_COMPUTE_HOST))
    except Exception:  # the worker must come up even if the broker hiccups
        log.exception("could not queue the start-up reconcile")
