"""Audit events: who started, stopped, reset or opened a console on which lab, and when.

Rows outlive the project and the user they mention (names are copied), so a deleted copy's
history stays readable by the course's teachers.
"""

from django.conf import settings
from django.db import models

from webgns.classrooms.choices import AuditAction


class AuditEvent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    project_id = models.UUIDField(null=True)
    project_name = models.CharField(max_length=100, blank=True)
    # The course whose copy it was; null for a lab outside any course.
    course = models.ForeignKey(
        "classrooms.Course", null=True, on_delete=models.SET_NULL, related_name="audit"
    )
    detail = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
