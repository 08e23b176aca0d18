"""Compute hosts: what each worker's host can do, written by the worker when it starts."""

from django.db import models


class ComputeHost(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    capabilities = models.JSONField(default=dict)
    last_seen = models.DateTimeField(auto_now=True)

    def can(self, capability: str) -> bool:
        return bool(self.capabilities.get(capability))

    def reason(self, capability: str) -> str:
        return self.capabilities.get("reasons", {}).get(capability, f"this host lacks {capability}")
