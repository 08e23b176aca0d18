"""A capture's file goes with its record (a deleted project takes its captures and their files)."""

import contextlib

from django.db.models.signals import post_delete
from django.dispatch import receiver

from webgns.captures.models import Capture


@receiver(post_delete, sender=Capture)
def remove_capture_file(sender, instance: Capture, **kwargs) -> None:
    with contextlib.suppress(FileNotFoundError):
        instance.path.unlink()
