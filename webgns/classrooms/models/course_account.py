"""Accounts a course's roster made: the only accounts whose passwords a teacher may reset.

A teacher who enrolls an existing account gains no power over it; only an account the course
created (and that nobody else's course or lab uses, `accounts.teacher_may_reset`) is the
teacher's to mend. The record outlives its course as "made by a course that is gone" (no
teacher may then reset it; staff still may).
"""

from django.conf import settings
from django.db import models


class CourseAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="made_by_course")
    course = models.ForeignKey("classrooms.Course", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="accounts_made")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} (made by {self.course})"
