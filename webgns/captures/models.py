"""A capture: who asked for it, on which end of which link, with which filter, and how it went."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from webgns.captures.choices import ACTIVE, CaptureStatus, LinkEndChoice


class Capture(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("labs.Project", on_delete=models.CASCADE, related_name="captures")
    # Kept when the link goes (the capture ends by itself then, and its file can still be read).
    link = models.ForeignKey("labs.Link", on_delete=models.SET_NULL, null=True, related_name="captures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="captures")
    end = models.CharField(max_length=1, choices=LinkEndChoice.choices)
    filter = models.CharField(max_length=1000, blank=True)
    # "pc1 eth0 (link pc1:eth0 - pc2:eth0)": what was captured, readable after the link is gone.
    interface = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=CaptureStatus.choices, default=CaptureStatus.STARTING)
    reason = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    packets = models.PositiveBigIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    # Packets the kernel dropped for the capture's socket (it could not keep up), known once it ended.
    kernel_drops = models.PositiveBigIntegerField(default=0)
    max_packets = models.PositiveIntegerField()
    max_bytes = models.PositiveBigIntegerField()
    max_seconds = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    ended = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def path(self) -> Path:
        return Path(settings.WEBGNS_CAPTURE_DIR) / f"{self.id}.pcapng"
