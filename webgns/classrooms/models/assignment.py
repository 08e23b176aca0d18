"""Assignments: a teacher's project published to a course; each student works on a private copy.

The source project stays owned by the teacher: students never see it, only their copy of it.
"""

import uuid

from django.db import models


class Assignment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey("classrooms.Course", on_delete=models.CASCADE, related_name="assignments")
    # PROTECT: deleting the original would leave nothing to reset students' copies to.
    source = models.ForeignKey("labs.Project", on_delete=models.PROTECT, related_name="assignments")
    title = models.CharField(max_length=100)
    published = models.BooleanField(default=False)
    # Markdown, rendered in the browser with raw HTML disabled (frontend/src/lib/markdown.js).
    instructions = models.TextField(blank=True)
    due = models.DateTimeField(null=True, blank=True)
    # Warm pool: how many prepared copies to keep ready (never more than students without a copy).
    pool_seats = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.title
