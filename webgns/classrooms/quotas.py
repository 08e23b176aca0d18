"""Node quotas: how many nodes a student, and a whole course, may have running at once.

A node counts from the moment it is asked to start (an unfinished start operation, still within
its deadline, names it) until a worker reports it stopped or failed (`error`: nothing runs), so
thirty students pressing start in the same second are counted against each other before any
container exists. A lab outside courses is checked against its owner's own limit
(`labs.limits.effective`), counted by the same `active_nodes`. Checks run inside the caller's
transaction (the one that writes the start operation) and lock the course's and the owner's rows
first, so that two checks cannot both pass on the same free capacity.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Course, StudentCopy
from webgns.labs import limits
from webgns.labs.choices import NodeStatus, OperationKind
from webgns.labs.models import Node, Operation, Project


class QuotaExceeded(ValidationError):
    """Starting would exceed a node quota; the message says by how much and which limit."""

    def __init__(self, message: str, field: str = "quota") -> None:
        super().__init__({field: [message]})


def course_projects() -> Q:
    """Projects governed by a course's quotas (students' copies): not counted per user."""
    return Q(pk__in=StudentCopy.objects.values("project_id"))


def _pending_start_nodes() -> Q:
    # Only live work: an operation past its deadline is dead even before reconcile fails it.
    pending = Operation.objects.filter(finished__isnull=True, deadline__gt=timezone.now())
    whole = pending.filter(kind=OperationKind.PROJECT_START).values("project_id")
    single = pending.filter(kind__in=[OperationKind.NODE_START, OperationKind.NODE_RESTART]).values("target")
    return Q(project_id__in=whole) | Q(pk__in=single)


def active_nodes() -> QuerySet[Node]:
    """Nodes that run or are about to: started/starting/stopping, or named by a live unfinished start."""
    return Node.objects.filter(~Q(status__in=[NodeStatus.STOPPED, NodeStatus.ERROR]) | _pending_start_nodes())


def running_for_student(user) -> int:
    return active_nodes().filter(project__owner=user).count()


def running_outside_courses(user) -> int:
    return active_nodes().filter(project__owner=user).exclude(project_id__in=StudentCopy.objects.values("project_id")
                                                              ).count()


def running_in_course(course: Course) -> int:
    # Prepared copies nobody has claimed count against the pool's own limit (`classrooms.pool`).
    copies = StudentCopy.objects.filter(assignment__course=course, student__isnull=False).values("project_id")
    return active_nodes().filter(project_id__in=copies).count()


def _course_of(project: Project) -> Course | None:
    copy = StudentCopy.objects.filter(project=project).select_related("assignment__course").first()
    return copy.assignment.course if copy else None


def _student_limit(user, course: Course | None) -> int | None:
    """The copy's course limit; for a student's own labs the tightest of their courses'."""
    if course is not None:
        return course.student_node_limit
    limits = Course.objects.filter(enrollments__user=user, enrollments__role=Role.STUDENT)
    return min(limits.values_list("student_node_limit", flat=True), default=None)


def check_start(project: Project, user, nodes: QuerySet[Node] | None = None) -> None:
    """Raise QuotaExceeded if `user` starting `nodes` (default: all the project's) would pass a limit."""
    if StudentCopy.objects.filter(project=project, student__isnull=True).exists():
        return  # a prepared copy in the warm pool: the pool's own limit was checked when it was made
    course = _course_of(project)
    with transaction.atomic():  # the locks last until the caller's transaction (the start's) commits
        _lock_counted(project, course)
        _check_locked(project, user, course, nodes)


def _lock_counted(project: Project, course: Course | None) -> None:
    """Lock the rows every count below is about, course first (as `copies.start_copy` does): a
    concurrent start of the same owner or course waits here until this one's operation is committed."""
    if course is not None:
        list(Course.objects.select_for_update().filter(pk=course.pk).values_list("pk", flat=True))
    limits.lock_user(project.owner)


def _check_locked(project: Project, user, course: Course | None, nodes: QuerySet[Node] | None) -> None:
    wanted = set((nodes if nodes is not None else project.nodes.all()).values_list("pk", flat=True))
    already = set(active_nodes().filter(pk__in=wanted).values_list("pk", flat=True))
    adding = len(wanted - already)
    if adding == 0:
        return
    if course is None:
        _check_owner_limit(project, user, adding)
    student_limit = _student_limit(project.owner, course)
    if student_limit is None and course is None:
        return  # not a student and not a course lab: no course quota applies
    if student_limit is not None:
        total = running_for_student(project.owner) + adding
        if total > student_limit:
            who = (
                "your" if user is not None and user.pk == project.owner_id else f"{project.owner.username}'s"
            )
            raise QuotaExceeded(f"starting this lab would run {total} nodes; {who} limit is {student_limit}.")
    if course is not None:
        total = running_in_course(course) + adding
        if total > course.course_node_limit:
            raise QuotaExceeded(
                f"starting this lab would run {total} nodes in course {course.name!r}; the course's limit is "
                f"{course.course_node_limit}. Ask your teacher to stop labs that are not in use."
            )


def _check_owner_limit(project: Project, user, adding: int) -> None:
    """The owner's own limit on running nodes outside courses (labs.limits: staff-set or the setting)."""
    limit = limits.effective(project.owner)["running_nodes"]
    if limit is None:
        return
    total = running_outside_courses(project.owner) + adding
    if total > limit:
        who = "your" if user is not None and user.pk == project.owner_id else f"{project.owner.username}'s"
        raise QuotaExceeded(
            f"starting this would run {total} nodes outside courses; {who} limit is {limit} "
            "(WEBGNS_USER_RUNNING_NODES, or as staff set it). Stop other labs first.",
            field="running_nodes",
        )
