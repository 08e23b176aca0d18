"""GET /metrics: the installation's state in Prometheus's text format, for a school's monitoring.

Division of labour: every figure is read at scrape time from where it already lives — the database
(operations, nodes, warm-pool seats), Redis (Celery queue lengths, console and capture sessions) —
by one prometheus_client collector, so several Daphne processes answer the same numbers. The only
thing counted here is HTTP responses, and it is counted in Redis (`HttpResponseCounter`) for the
same reason: a per-process counter would show whichever process the scrape reached.

The endpoint is off (404) unless WEBGNS_METRICS_TOKEN is set; then it wants
`Authorization: Bearer <token>` and answers 403 otherwise.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import cache

import redis
from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from webgns.contract import console_relay
from webgns.labs.models import ComputeHost, Node, Operation
from webgns.redis_client import redis_client
from webgns.tasks.queues import COORDINATOR_QUEUE, compute_queue, exec_queue, pool_queue

log = logging.getLogger(__name__)

HTTP_KEY = "webgns:metrics:http"
# Seconds: a node start takes ~1 s, a 100-node lab a minute, the deadline is 900 s.
DURATION_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)
# Celery's Redis transport keeps messages of priority p>0 in a list named queue + "\x06\x16" + p.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITIES = ("", *(f"{_PRIORITY_SEPARATOR}{p}" for p in range(1, 10)))


@cache
def _counter_client() -> redis.Redis:
    # Its own client with short timeouts: an unreachable Redis costs a request at most ~0.2 s, never
    # the shared client's wait (the page itself may not need Redis at all).
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.1, socket_timeout=0.1)


class HttpResponseCounter:
    """Middleware: counts every response by status code in Redis (one HINCRBY; never fails a request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            _counter_client().hincrby(HTTP_KEY, str(response.status_code), 1)
        except redis.RedisError:
            log.debug("HTTP response not counted: Redis is unreachable")
        return response


def _hosts() -> list[str]:
    return sorted(set(ComputeHost.objects.values_list("name", flat=True)) | {settings.WEBGNS_COMPUTE_HOST})


def _scan_keys(client: redis.Redis, pattern: str) -> list[bytes]:
    return list(client.scan_iter(match=pattern, count=500))


class WebgnsCollector:
    """Reads every figure when Prometheus scrapes (prometheus_client's custom-collector protocol)."""

    def collect(self) -> Iterator[Metric]:
        yield from self._operations()
        yield from self._nodes()
        yield from self._pool()
        try:
            yield from self._redis_figures()
        except redis.RedisError as error:
            # The database's figures still go out; the scrape says Redis was not read.
            log.warning("metrics without Redis figures: %s", error)
            up = GaugeMetricFamily("webgns_redis_up", "1 when Redis answered this scrape")
            up.add_metric([], 0)
            yield up

    def _operations(self) -> Iterator[Metric]:
        counts = GaugeMetricFamily("webgns_operations", "Operations in the database by kind and status",
                                   labels=["kind", "status"])
        for row in Operation.objects.values("kind", "status").annotate(n=Count("id")).order_by("kind", "status"):
            counts.add_metric([row["kind"], row["status"]], row["n"])
        yield counts
        durations = HistogramMetricFamily("webgns_operation_duration_seconds",
                                          "Time from asking to finishing, of finished operations, by kind",
                                          labels=["kind"])
        took = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
        buckets = {f"le{i}": Count("id", filter=Q(took__lte=timedelta(seconds=b)))
                   for i, b in enumerate(DURATION_BUCKETS)}
        rows = (Operation.objects.filter(finished__isnull=False).annotate(took=took).values("kind")
                .annotate(n=Count("id"), total=Sum("took"), **buckets).order_by("kind"))
        for row in rows:
            cumulative = [(str(float(b)), row[f"le{i}"]) for i, b in enumerate(DURATION_BUCKETS)]
            total = row["total"].total_seconds() if row["total"] else 0.0
            durations.add_metric([row["kind"]], [*cumulative, ("+Inf", row["n"])], sum_value=total)
        yield durations

    def _nodes(self) -> Iterator[Metric]:
        nodes = GaugeMetricFamily("webgns_nodes", "Nodes by compute host and state", labels=["host", "state"])
        rows = Node.objects.values("compute_host", "status").annotate(n=Count("id")).order_by("compute_host", "status")
        for row in rows:
            nodes.add_metric([row["compute_host"], row["status"]], row["n"])
        yield nodes
        hosts = GaugeMetricFamily("webgns_compute_host_up", "1 while a compute host's heartbeat is fresh",
                                  labels=["host"])
        for host in ComputeHost.objects.all():
            hosts.add_metric([host.name], 1 if host.is_up() else 0)
        yield hosts

    def _pool(self) -> Iterator[Metric]:
        from django.apps import apps  # classrooms is optional to this module's callers

        assignment, copy = apps.get_model("classrooms", "Assignment"), apps.get_model("classrooms", "StudentCopy")
        seats = GaugeMetricFamily("webgns_pool_seats", "Warm-pool seats: asked for by teachers, prepared, "
                                  "prepared and paused (ready to claim), claimed by a student", labels=["state"])
        seats.add_metric(["wanted"], assignment.objects.aggregate(s=Sum("pool_seats"))["s"] or 0)
        waiting = copy.objects.filter(student__isnull=True)
        seats.add_metric(["prepared"], waiting.count())
        seats.add_metric(["ready"], waiting.filter(paused=True).count())
        seats.add_metric(["claimed"], copy.objects.filter(pooled=True, student__isnull=False).count())
        yield seats

    def _redis_figures(self) -> Iterator[Metric]:
        client, now = redis_client(), time.time()
        queues = [COORDINATOR_QUEUE]
        for host in _hosts():
            queues += [compute_queue(host), exec_queue(host), pool_queue(host)]
        pipe = client.pipeline(transaction=False)
        for queue in queues:
            for suffix in _PRIORITIES:
                pipe.llen(queue + suffix)
        lengths = pipe.execute()
        depth = GaugeMetricFamily("webgns_queue_depth", "Tasks waiting in each Celery queue (Redis LLEN)",
                                  labels=["queue"])
        for i, queue in enumerate(queues):
            depth.add_metric([queue], sum(lengths[i * len(_PRIORITIES):(i + 1) * len(_PRIORITIES)]))
        yield depth

        consoles = GaugeMetricFamily("webgns_console_sessions", "Console sessions open through the relays")
        sessions = 0
        for key in _scan_keys(client, f"{console_relay.PREFIX}:node:*"):
            for raw in client.hvals(key):
                sessions += _until(raw) >= now
        consoles.add_metric([], sessions)
        yield consoles
        slots = GaugeMetricFamily("webgns_console_slots", "Console places held by non-staff users "
                                  "(WEBGNS_CONSOLES_PER_USER counts these)")
        held = sum(client.zcount(key, now, "+inf") for key in _scan_keys(client, "webgns:console-slots:*"))
        slots.add_metric([], held)
        yield slots
        captures = GaugeMetricFamily("webgns_capture_sessions", "Captures whose worker is writing them now")
        captures.add_metric([], len(_scan_keys(client, "webgns:capture:alive:*")))
        yield captures

        http = CounterMetricFamily("webgns_http_responses", "HTTP responses by status code, over every web "
                                   "process since Redis's data began", labels=["status"])
        for status, n in sorted(client.hgetall(HTTP_KEY).items()):
            http.add_metric([status.decode()], int(n))
        yield http
        up = GaugeMetricFamily("webgns_redis_up", "1 when Redis answered this scrape")
        up.add_metric([], 1)
        yield up


def _until(raw: bytes) -> float:
    try:
        return float(json.loads(raw)["until"])
    except (ValueError, KeyError, TypeError):
        return 0.0


REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(WebgnsCollector())


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.WEBGNS_METRICS_TOKEN
    if not token:
        raise Http404("metrics are off: set WEBGNS_METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponseForbidden("metrics need Authorization: Bearer $WEBGNS_METRICS_TOKEN",
                                     content_type="text/plain")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
