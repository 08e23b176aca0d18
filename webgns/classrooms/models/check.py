"""Checks: what a teacher expects to be true of a student's lab, tested by running a command on a node.

A check names a node of the assignment's lab (by name, so it applies to every copy), and is
either a command with an expectation (exit status, output contains, output matches) or a
built-in kind that `classrooms.check_kinds` turns into a command: `reaches` (the node pings an
address), `route` (a route to a prefix exists on the node), `address` (an interface has an
address). Its hint is shown to the student when it fails.
"""

import uuid

from django.db import models

from webgns.classrooms.choices import CheckKind

DEFAULT_CHECK_TIMEOUT = 10
MAX_CHECK_TIMEOUT = 60


class Check(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey("classrooms.Assignment", on_delete=models.CASCADE, related_name="checks")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=CheckKind.choices, default=CheckKind.COMMAND)
    node = models.CharField(max_length=32, help_text="A node of the assignment's lab, by name.")
    command = models.TextField(blank=True)
    expect = models.JSONField(default=dict, blank=True)
    # `reaches`/`address`: an address; `route`: a prefix.
    target = models.CharField(max_length=64, blank=True)
    interface = models.CharField(max_length=15, blank=True)
    hint = models.TextField(blank=True)
    timeout = models.PositiveIntegerField(default=DEFAULT_CHECK_TIMEOUT)
    position = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "created"]
        constraints = [models.UniqueConstraint(fields=["assignment", "name"], name="check_name_unique")]

    def __str__(self) -> str:
        return self.name
