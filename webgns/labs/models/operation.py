"""Operations: asynchronous jobs (start/stop a lab or a node) with progress and outcome.

Each has a deadline (WEBGNS_OPERATION_DEADLINE after it was asked for) and, once a worker runs
it, that worker's name and heartbeat: reconcile fails an operation whose deadline passed or whose
worker stopped beating (webgns.tasks.claims).
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from webgns.labs.choices import OperationKind, OperationStatus


def default_deadline() -> datetime:
    return timezone.now() + timedelta(seconds=settings.WEBGNS_OPERATION_DEADLINE)


class Operation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("labs.Project", on_delete=models.CASCADE, related_name="operations")
    kind = models.CharField(max_length=32, choices=OperationKind.choices)
    target = models.UUIDField(null=True, blank=True)
    # project.apply: the ids of the nodes it (re)starts (webgns.labs.topology_apply).
    targets = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=OperationStatus.choices, default=OperationStatus.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(default=default_deadline)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the process running it
    heartbeat = models.DateTimeField(null=True, blank=True)
    # An operation over nodes on several compute hosts runs in parts, one worker after the other:
    # [[host, step], ...] with step "all", "nodes" (start and plumb) or "startup" (startup lines);
    # `part` is the one to run now, `problems` what earlier parts found (webgns.tasks.operations).
    parts = models.JSONField(default=list)
    part = models.PositiveSmallIntegerField(default=0)
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ["created"]

    def as_event(self) -> dict:
        return {
            "id": str(self.id),
            "kind": self.kind,
            # The node a node.* operation is about, so the editor can name it ("Starting r1").
            "target": str(self.target) if self.target else None,
            "done": self.done,
            "total": self.total,
            "status": self.status,
            "error": self.error,
        }
