"""Templates: what a node is made from (an image and its defaults, or a switch kind)."""

import uuid

from django.db import models

from webgns.labs.choices import NodeKind, NodeRole
from webgns.labs.validators import validate_name


class Template(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=64, unique=True, validators=[validate_name])
    kind = models.CharField(max_length=16, choices=NodeKind.choices, default=NodeKind.DOCKER)
    image = models.CharField(max_length=255, blank=True)
    adapters = models.PositiveSmallIntegerField(default=1)
    start_command = models.CharField(max_length=1024, blank=True)
    environment = models.JSONField(default=dict, blank=True)
    cpus = models.FloatField(null=True, blank=True)
    memory_mb = models.PositiveIntegerField(null=True, blank=True)
    builtin = models.BooleanField(default=False)
    role = models.CharField(max_length=16, choices=NodeRole.choices, default=NodeRole.HOST)
    # path -> text: every node's default files (a node's own `files` override these per path).
    files = models.JSONField(default=dict, blank=True)
    # A console shell offered besides bash/sh, e.g. "vtysh" for FRR routers (`?shell=` on the console).
    # Namespaced kernel settings (net.* only) set when a node's container is created.
    sysctls = models.JSONField(default=dict, blank=True)
    # Capabilities beyond NET_ADMIN/NET_RAW (from `webgns.node_rules.EXTRA_CAPABILITIES`).
    capabilities = models.JSONField(default=list, blank=True)
    console_shell = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
