"""The Celery task that grades one student copy (see `webgns.tasks.checks`)."""

from celery import shared_task

from webgns.tasks import checks


@shared_task(name="webgns.tasks.run_checks")
def run_checks(run_id: str) -> None:
    checks.run_checks(run_id)
