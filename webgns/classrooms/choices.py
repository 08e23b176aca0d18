"""Enumerations of the classroom domain, named once: enrollment roles and audited actions."""

from django.db import models


class Role(models.TextChoices):
    TEACHER = "teacher"
    STUDENT = "student"


class AuditAction(models.TextChoices):
    START = "start"
    STOP = "stop"
    RESTART = "restart"
    CONSOLE = "console"
    RESET = "reset"
    DELETE = "delete"


class CheckKind(models.TextChoices):
    COMMAND = "command"
    REACHES = "reaches"
    ROUTE = "route"
    ADDRESS = "address"


class CheckRunStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    ERROR = "error"
