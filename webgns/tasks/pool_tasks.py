"""Celery tasks of the warm pool (`webgns.classrooms.pool`): start a prepared copy and freeze it;
resume a claimed one; top the pool up. Thin wrappers: the lab start is `operations.run`, the
freezing `webgns.compute.freezer`."""

import logging

from celery import shared_task
from django.db import transaction

from webgns.classrooms import pool
from webgns.classrooms.models import Assignment, StudentCopy
from webgns.compute import freezer
from webgns.labs.choices import OperationStatus
from webgns.labs.models import Node, Operation
from webgns.tasks import operations
from webgns.tasks.engine import lab_engine
from webgns.tasks.locks import project_lock
from webgns.tasks.specs_from_models import node_spec
from webgns.tasks.status import progress

log = logging.getLogger(__name__)


@shared_task(name="webgns.tasks.prepare_copy")
def prepare_copy(copy_id: str, operation_id: str) -> None:
    copy = StudentCopy.objects.filter(pk=copy_id).first()
    op = Operation.objects.filter(pk=operation_id).first()
    if copy is None or op is None:
        return
    project_id = str(copy.project_id)
    with project_lock(project_id):
        if not op.finished:
            operations.run(op)
        # Frozen in the middle of its own start-up, a node resumes with its timers run out: FRR's
        # watchfrr then kills the job loading its configuration. So freeze only what has settled.
        engine = lab_engine()
        nodes = Node.objects.filter(project_id=project_id).select_related("template", "project")
        unsettled = engine.wait_settled([node_spec(n) for n in nodes])
        if unsettled:
            log.warning("copy %s is frozen with nodes that had not settled: %s", copy_id, "; ".join(unsettled.values()))
        with transaction.atomic():
            copy = StudentCopy.objects.select_for_update().filter(pk=copy_id).first()
            if copy is None:
                return
            if copy.student_id is None:  # not claimed while it started: freeze it until someone does
                freezer.pause_project(engine.docker, project_id)
                copy.paused = True
                copy.save(update_fields=["paused"])


@shared_task(name="webgns.tasks.resume_claimed_copy")
def resume_claimed_copy(copy_id: str, operation_id: str) -> None:
    copy = StudentCopy.objects.filter(pk=copy_id).first()
    op = Operation.objects.filter(pk=operation_id).first()
    if copy is None or op is None or op.finished:
        return
    with project_lock(str(copy.project_id)):
        freezer.unpause_project(lab_engine().docker, str(copy.project_id))
        StudentCopy.objects.filter(pk=copy_id).update(paused=False)
        total = copy.project.nodes.count()
        progress(op, total=total, done=total, status=OperationStatus.DONE)


@shared_task(name="webgns.tasks.refill_pool")
def refill_pool(assignment_id: str) -> None:
    assignment = Assignment.objects.filter(pk=assignment_id).select_related("course", "source").first()
    if assignment is not None:
        pool.refill(assignment)
