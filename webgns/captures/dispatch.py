"""From the API to a worker: the capture task is enqueued once the row is committed."""

from django.db import transaction

from webgns.captures.models import Capture


def start_capture(capture: Capture) -> None:
    from webgns.tasks import capture_tasks

    capture_id = str(capture.id)
    transaction.on_commit(lambda: capture_tasks.start_capture.apply_async(args=[capture_id]))
