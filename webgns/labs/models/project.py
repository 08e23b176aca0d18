"""Projects (labs): the unit a user owns, starts, stops, exports and deletes."""

import uuid

from django.conf import settings
from django.db import models

from webgns.labs.choices import NodeStatus, ProjectStatus
from webgns.labs.validators import validate_project_name


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, validators=[validate_project_name])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    created = models.DateTimeField(auto_now_add=True)
    # No event seq issued for this project exceeds this (webgns.labs.events): seq survives Redis.
    event_seq_reserved = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> str:
        statuses = {n.status for n in self.nodes.all()}
        if not statuses:
            return ProjectStatus.EMPTY
        if NodeStatus.ERROR in statuses:
            return ProjectStatus.ERROR
        if statuses == {NodeStatus.STOPPED}:
            return ProjectStatus.STOPPED
        if statuses == {NodeStatus.STARTED}:
            return ProjectStatus.STARTED
        return ProjectStatus.PARTIAL
