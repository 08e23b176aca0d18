"""Enrollments: a user's one role (teacher or student) in one course."""

from django.conf import settings
from django.db import models

from webgns.classrooms.choices import Role


class Enrollment(models.Model):
    course = models.ForeignKey("classrooms.Course", on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=16, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="one_role_per_course")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.course}"
