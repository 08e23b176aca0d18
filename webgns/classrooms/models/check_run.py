"""Check runs and their results: one run is one press of "Check my work" (or one copy of a "Run
all"); a result is one check's outcome on one copy at one time. Results are kept, so the
teacher's grid can show the latest and how many runs came before."""

import uuid

from django.conf import settings
from django.db import models

from webgns.classrooms.choices import CheckRunStatus


class CheckRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    copy = models.ForeignKey("classrooms.StudentCopy", on_delete=models.CASCADE, related_name="check_runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=CheckRunStatus.choices, default=CheckRunStatus.PENDING)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]


class CheckResult(models.Model):
    run = models.ForeignKey("classrooms.CheckRun", on_delete=models.CASCADE, related_name="results")
    copy = models.ForeignKey("classrooms.StudentCopy", on_delete=models.CASCADE, related_name="check_results")
    check_item = models.ForeignKey("classrooms.Check", on_delete=models.CASCADE, related_name="results")
    passed = models.BooleanField()
    output = models.TextField(blank=True)
    ran_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["ran_at", "id"]
