"""The warm pool: copies of an assignment prepared before class (started, plumbed, then paused), so
that a student's Start only claims one and resumes it.

`prepare` sets how many seats to keep ready and makes the missing copies (owned by the teacher
who owns the original until claimed; their nodes count against the course's `pool_node_limit`,
not the students' limits). Each is started and paused by a worker (`webgns.tasks.pool_tasks`).
`claim` hands a paused copy to a student with a conditional UPDATE (`student IS NULL`), so two
students pressing Start at once never get the same copy; the claimed copy becomes theirs
(owner, name) and a worker resumes it. `refill` tops the pool up after claims, never beyond the
students who still have no copy.
"""

import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Assignment, Course, StudentCopy
from webgns.classrooms.quotas import QuotaExceeded
from webgns.labs import topology
from webgns.labs.choices import OperationKind
from webgns.labs.models import Node, Operation
from webgns.labs.validators import project_name_from
from webgns.tasks import routing

MAX_SEATS = 500


def copy_host(project) -> str | None:
    """The host a copy's work goes to: its nodes' (the first of them if a copy ever spans hosts)."""
    hosts = routing.hosts_of(Node.objects.filter(project=project).only("compute_host"))
    return hosts[0] if hosts else None


def unclaimed(assignment: Assignment) -> QuerySet[StudentCopy]:
    return StudentCopy.objects.filter(assignment=assignment, student__isnull=True)


def pool_nodes(course: Course) -> int:
    copies = StudentCopy.objects.filter(assignment__course=course, student__isnull=True).values("project_id")
    return Node.objects.filter(project_id__in=copies).count()


def state(assignment: Assignment) -> dict:
    waiting = unclaimed(assignment)
    return {
        "seats": assignment.pool_seats,
        "prepared": waiting.count(),
        "paused": waiting.filter(paused=True).count(),
        "claimed": StudentCopy.objects.filter(assignment=assignment, pooled=True, student__isnull=False).count(),
        "nodes": pool_nodes(assignment.course),
        "pool_node_limit": assignment.course.pool_node_limit,
    }


def _missing(assignment: Assignment) -> int:
    students = assignment.course.enrollments.filter(role=Role.STUDENT).count()
    with_copy = StudentCopy.objects.filter(assignment=assignment, student__isnull=False).count()
    return max(0, min(assignment.pool_seats, students - with_copy) - unclaimed(assignment).count())


def _make_one(assignment: Assignment, user) -> StudentCopy:
    from webgns.tasks.pool_tasks import prepare_copy

    source = assignment.source
    name = project_name_from(f"{assignment.title} (seat {uuid.uuid4().hex[:6]})")
    project = topology.import_project(topology.export_project(source), owner=source.owner, name=name,
                                      staff=source.owner.is_staff)
    copy = StudentCopy.objects.create(assignment=assignment, student=None, project=project, pooled=True)
    operation = Operation.objects.create(
        project=project, kind=OperationKind.PROJECT_START, user=user if user and user.pk else None
    )
    # A pooled copy is started and frozen by one worker: the host of its nodes (a copy is placed whole).
    host = copy_host(project)
    transaction.on_commit(lambda: routing.send(prepare_copy, host, str(copy.id), str(operation.id)))
    return copy


@transaction.atomic
def refill(assignment: Assignment, user=None, *, strict: bool = False) -> list[StudentCopy]:
    """Make the copies the pool lacks; over `pool_node_limit`, refuse (strict) or make what fits."""
    Course.objects.select_for_update().filter(pk=assignment.course_id).first()
    missing = _missing(assignment)
    per_copy = max(1, assignment.source.nodes.count())
    room = (assignment.course.pool_node_limit - pool_nodes(assignment.course)) // per_copy
    if missing > room and strict:
        raise QuotaExceeded(
            f"preparing {missing} copies of {per_copy} nodes would pass the course's pool limit of "
            f"{assignment.course.pool_node_limit} nodes ({pool_nodes(assignment.course)} prepared already)."
        )
    return [_make_one(assignment, user) for _ in range(max(0, min(missing, room)))]


@transaction.atomic
def prepare(assignment: Assignment, seats: int, user) -> list[StudentCopy]:
    assignment.pool_seats = seats
    assignment.save(update_fields=["pool_seats"])
    return refill(assignment, user, strict=True)


def claim(assignment: Assignment, student) -> StudentCopy | None:
    """A paused pooled copy, now the student's; None when none is free. Call inside a transaction."""
    from webgns.classrooms.copies import copy_name

    candidates = unclaimed(assignment).filter(paused=True).order_by("created").values_list("pk", flat=True)
    for pk in list(candidates[:10]):
        won = StudentCopy.objects.filter(pk=pk, student__isnull=True).update(student=student, claimed=timezone.now())
        if won:
            copy = StudentCopy.objects.select_related("project").get(pk=pk)
            project = copy.project
            project.owner, project.name = student, copy_name(assignment, student)
            project.save(update_fields=["owner", "name"])
            return copy
    return None
