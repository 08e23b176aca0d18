"""Per-user limits outside courses, set by staff; a missing row or a null field means the default
setting (WEBGNS_USER_RUNNING_NODES, WEBGNS_USER_PROJECTS)."""

from django.conf import settings
from django.db import models


class UserLimits(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="lab_limits")
    running_nodes = models.PositiveIntegerField(null=True, blank=True,
                                                help_text="Nodes running at once in labs outside courses.")
    projects = models.PositiveIntegerField(null=True, blank=True, help_text="Projects owned outside courses.")

    class Meta:
        verbose_name_plural = "user limits"

    def __str__(self) -> str:
        return f"limits of user {self.user_id}"
