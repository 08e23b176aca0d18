"""From the API to a worker: the capture task is enqueued, by name, once the row is committed.

By name, so that the web tier never imports the engine the task drives.
"""

from django.db import transaction

from webgns.captures.models import Capture

START_TASK = "webgns.tasks.capture_tasks.start_capture"


def start_capture(capture: Capture) -> None:
    from webgns.celery import app
    from webgns.tasks.queues import compute_queue

    capture_id = str(capture.id)
    link = capture.link
    # The host of the chosen end captures: the packet socket opens in that node's namespace.
    host = (link.a_node if capture.end == "a" else link.b_node).compute_host
    transaction.on_commit(lambda: app.send_task(START_TASK, args=[capture_id], queue=compute_queue(host)))
