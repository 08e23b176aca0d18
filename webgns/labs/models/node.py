"""Nodes: one per container or switch, with desired settings and the status a worker observed.

Ports are not rows: a node has `adapters` ports named eth0..eth{n-1}, and a link names the
port it uses. That keeps "which ports exist" derivable and never out of step.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from webgns.labs.choices import NodeKind, NodeStatus
from webgns.labs.validators import validate_name
from webgns.node_rules import merged


def port_names(adapters: int) -> list[str]:
    return [f"eth{i}" for i in range(adapters)]


class Node(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("labs.Project", on_delete=models.CASCADE, related_name="nodes")
    name = models.CharField(max_length=32, validators=[validate_name])
    template = models.ForeignKey("labs.Template", on_delete=models.PROTECT, related_name="nodes")
    kind = models.CharField(max_length=16, choices=NodeKind.choices)
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    adapters = models.PositiveSmallIntegerField()
    environment = models.JSONField(default=dict, blank=True)
    start_command = models.CharField(max_length=1024, blank=True)
    startup = models.TextField(blank=True)
    openflow_controller = models.CharField(max_length=255, blank=True)
    # path -> text written into the node before it starts; overrides the template's files per path.
    files = models.JSONField(default=dict, blank=True)
    # Switch ports' VLANs (ovs): {"eth0": {"access": 10}, "eth1": {"trunk": [10, 20]}}.
    vlans = models.JSONField(default=dict, blank=True)
    # net.* kernel settings; override the template's per key.
    sysctls = models.JSONField(default=dict, blank=True)
    # None: the template's limit.
    cpus = models.FloatField(null=True, blank=True)
    memory_mb = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=NodeStatus.choices, default=NodeStatus.STOPPED)
    error = models.TextField(blank=True)
    compute_host = models.CharField(max_length=64, default="local")
    # A default rather than auto_now_add: a bulk import sets increasing values to keep its order.
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="node_name_unique_in_project")]

    def __str__(self) -> str:
        return self.name

    @property
    def port_names(self) -> list[str]:
        return port_names(self.adapters)

    @property
    def effective_files(self) -> dict[str, str]:
        return merged(self.template.files, self.files)

    @property
    def effective_cpus(self) -> float | None:
        return self.cpus if self.cpus is not None else self.template.cpus

    @property
    def effective_memory_mb(self) -> int | None:
        return self.memory_mb if self.memory_mb is not None else self.template.memory_mb

    @property
    def memory_limit_mb(self) -> int | None:
        """The container's memory limit: the node's own, else its template's, else the server's
        default (WEBGNS_NODE_MEMORY_MB); None when set to 0 (no limit, staff only)."""
        effective = self.effective_memory_mb
        return settings.WEBGNS_NODE_MEMORY_MB if effective is None else (effective or None)

    @property
    def startup_lines(self) -> list[str]:
        return [line for line in self.startup.splitlines() if line.strip()]
