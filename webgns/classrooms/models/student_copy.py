"""Student copies: the private project a student got from an assignment (one per student).

The project is owned by the student, so ownership gives them access (a pooled copy, prepared before
any student asked, is owned by the assignment's teacher until a student claims it); the course's teachers get
theirs through `webgns.classrooms.access`.
"""

import uuid

from django.conf import settings
from django.db import models


class StudentCopy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey("classrooms.Assignment", on_delete=models.CASCADE, related_name="copies")
    # Null while the copy waits, prepared and paused, in the assignment's warm pool (`classrooms.pool`).
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="lab_copies"
    )
    project = models.OneToOneField("labs.Project", on_delete=models.CASCADE, related_name="classroom_copy")
    created = models.DateTimeField(auto_now_add=True)
    pooled = models.BooleanField(default=False)  # made by "prepare", before any student asked
    paused = models.BooleanField(default=False)  # started, plumbed, then frozen: ready to claim
    claimed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="one_copy_per_student")]

    def __str__(self) -> str:
        return f"{self.assignment} for {self.student}"
