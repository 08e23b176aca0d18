"""Compute hosts: what each worker's host can do and offers, written by the worker when it starts
and then by its heartbeat every few seconds (`webgns.tasks.host_heartbeat`).

A host is up while its heartbeat is fresh: `is_up` reads `last_seen` as well as `status`, because
the stored status only turns `down` when another host's heartbeat notices the silence — with a
single host, nobody is left to write it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

UP, DOWN = "up", "down"


class ComputeHost(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    capabilities = models.JSONField(default=dict)
    # {"cpus", "memory_mb", "memory_available_mb", "node_memory_mb", "max_nodes"} (README "Compute hosts").
    capacity = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=[(UP, UP), (DOWN, DOWN)], default=UP)
    status_reason = models.TextField(blank=True)
    last_seen = models.DateTimeField(default=timezone.now)

    def can(self, capability: str) -> bool:
        return bool(self.capabilities.get(capability))

    def reason(self, capability: str) -> str:
        return self.capabilities.get("reasons", {}).get(capability, f"this host lacks {capability}")

    def is_up(self, now: datetime | None = None) -> bool:
        return self.status == UP and self.last_seen >= silent_since(now)

    def down_reason(self, now: datetime | None = None) -> str:
        if self.status == DOWN:
            return self.status_reason
        if not self.is_up(now):
            return f"no heartbeat since {self.last_seen:%Y-%m-%d %H:%M:%S} UTC"
        return ""


def silent_since(now: datetime | None = None) -> datetime:
    """A host last seen before this has stopped answering."""
    return (now or timezone.now()) - timedelta(seconds=settings.WEBGNS_HOST_DOWN_AFTER)
