"""From the API to a worker: the capture task is enqueued, by name, once the row is committed.

By name, so that the web tier never imports the engine the task drives.
"""

from django.db import transaction

from webgns.captures.models import Capture

START_TASK = "webgns.tasks.capture_tasks.start_capture"


def start_capture(capture: Capture) -> None:
    from webgns.celery import app

    capture_id = str(capture.id)
    transaction.on_commit(lambda: app.send_task(START_TASK, args=[capture_id]))
