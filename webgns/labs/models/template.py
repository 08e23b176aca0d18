"""Templates: what a node is made from (an image and its defaults, or a switch kind).

A template without an owner is global (staff make and change those); one with an owner is private
to that user, and to the copies made of their assignments. `memory_mb`/`cpus` null means the
server's default (WEBGNS_NODE_MEMORY_MB, WEBGNS_NODE_CPUS); 0 means unlimited, which only staff set.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from webgns.labs.choices import NodeKind, NodeRole
from webgns.labs.validators import validate_name


class Template(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=64, validators=[validate_name])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="templates")
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
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(owner__isnull=True),
                                    name="template_global_name_unique"),
            models.UniqueConstraint(fields=["owner", "name"], name="template_private_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
