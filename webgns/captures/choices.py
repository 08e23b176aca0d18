"""Enumerations of the captures app, in one place."""

from django.db import models


class CaptureStatus(models.TextChoices):
    STARTING = "starting"  # asked; the worker has not opened the socket yet
    RUNNING = "running"
    STOPPING = "stopping"  # stop asked; the worker closes the socket within a tick
    STOPPED = "stopped"  # ended: `reason` says why (stopped, packet limit, interface gone, ...)
    ERROR = "error"  # could not start or failed: `error` says why


ACTIVE = (CaptureStatus.STARTING, CaptureStatus.RUNNING, CaptureStatus.STOPPING)


class LinkEndChoice(models.TextChoices):
    A = "a"
    B = "b"
