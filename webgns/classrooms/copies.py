"""Students' private copies of an assignment's lab: make one, start it, reset it, stop or delete many.

A copy is the assignment's original exported and re-imported (`webgns.labs.topology`, atomic)
as a new project owned by the student, so it has its own nodes, links, containers and consoles.
Host work goes through `webgns.labs.dispatch` after the transaction commits; nothing here
touches Docker. Every function runs in one transaction: a copy is never half-built.
"""

from django.db import transaction

from webgns.classrooms import quotas
from webgns.classrooms.audit import record_audit
from webgns.classrooms.choices import AuditAction
from webgns.classrooms.models import Assignment, Course, StudentCopy
from webgns.labs import dispatch, topology
from webgns.labs.choices import NodeStatus, OperationKind
from webgns.labs.events import publish
from webgns.labs.models import Link, Operation, Project
from webgns.labs.validators import project_name_from
from webgns.tasks import routing


def copy_name(assignment: Assignment, student) -> str:
    """`<title> (<username>)`, made a valid project name (titles and usernames may hold ":" or "@")."""
    return project_name_from(f"{assignment.title} ({student.get_username()})")


def _import_for(assignment: Assignment, student) -> Project:
    document = topology.export_project(assignment.source)
    # The teacher's private templates serve the copy (the student cannot use them elsewhere).
    # Node sizes as the lab's author may set them: a staff teacher's big router copies as it is.
    return topology.import_project(document, owner=student, name=copy_name(assignment, student),
                                   template_owner=assignment.source.owner, staff=assignment.source.owner.is_staff)


REFILL_DELAY_SECONDS = 5


def _claim_from_pool(assignment: Assignment, student) -> tuple[StudentCopy, Operation] | None:
    from webgns.classrooms import pool
    from webgns.tasks.pool_tasks import refill_pool, resume_claimed_copy
    from webgns.tasks.queues import pool_queue

    copy = pool.claim(assignment, student)
    if copy is None:
        return None
    operation = Operation(project=copy.project, kind=OperationKind.PROJECT_START, user=student)
    # Its nodes run already (the pool's limit was checked when they were made): the quota hook's
    # four queries would only find nothing to add, inside the write lock every Start waits on.
    operation.resumes_pooled_copy = True
    operation.save()
    copy_id, operation_id, assignment_id = str(copy.id), str(operation.id), str(assignment.id)
    host = pool.copy_host(copy.project)
    # On its host's pool queue (a worker of its own), never behind lab starts on the compute queue.
    transaction.on_commit(lambda: resume_claimed_copy.apply_async(args=[copy_id, operation_id],
                                                                 queue=pool_queue(host)))
    # Later, so that refilling never competes with the resumes of a class pressing Start together.
    # On the coordinator's queue: refilling only writes rows and enqueues each copy's start.
    transaction.on_commit(lambda: routing.send(refill_pool, None, assignment_id, countdown=REFILL_DELAY_SECONDS))
    return copy, operation


@transaction.atomic
def ensure_copy(assignment: Assignment, student) -> StudentCopy:
    """The student's copy of the assignment, made from the original on first use."""
    copy = (
        StudentCopy.objects.select_related("project").filter(assignment=assignment, student=student).first()
    )
    if copy is None:
        copy = StudentCopy.objects.create(
            assignment=assignment, student=student, project=_import_for(assignment, student)
        )
    return copy


@transaction.atomic
def start_copy(assignment: Assignment, student) -> tuple[StudentCopy, Operation]:
    """Make the student's copy if it is their first start (claiming a prepared one from the warm pool
    when one is free), check quotas, and ask a worker to start (or resume) it."""
    # Serialises every start in the course, so quota checks never pass twice on the same capacity.
    Course.objects.select_for_update().filter(pk=assignment.course_id).first()
    if not StudentCopy.objects.filter(assignment=assignment, student=student).exists():
        claimed = _claim_from_pool(assignment, student)
        if claimed is not None:
            return claimed
    copy = ensure_copy(assignment, student)
    quotas.check_start(copy.project, student)
    return copy, dispatch.start_project(copy.project, student)


# Relations of a project that are not its lab's content: they stay with the project through a reset.
NOT_CONTENT = {"operations", "assignments", "classroom_copy"}


def _content_relations() -> list:
    """Every one-to-many relation onto Project that holds lab content (nodes, links, and whatever other
    apps add, e.g. annotations), found from the models so a new kind of content is reset too."""
    return [
        rel
        for rel in Project._meta.related_objects
        if rel.one_to_many and rel.get_accessor_name() not in NOT_CONTENT
    ]


def _remove_nodes_from_host(project: Project) -> None:
    """Ask a worker to remove each node's container and links. Per node, not per project: the
    containers of the rebuilt lab (new node ids) are never touched, whatever order tasks run in."""
    links = list(Link.objects.filter(project=project).select_related("a_node", "b_node"))
    for node in project.nodes.select_related("template"):
        dispatch.node_deleted(node, [lk for lk in links if node.pk in (lk.a_node_id, lk.b_node_id)])


@transaction.atomic
def reset_copy(copy: StudentCopy, user) -> StudentCopy:
    """Rebuild the copy from the original in place: the same project (same id, URL, name, owner),
    its nodes and links replaced by a fresh import; the old containers leave the host. Open editors
    get a `project.reset` event and reload the lab."""
    project = Project.objects.select_for_update().get(pk=copy.project_id)
    record_audit(user, project, AuditAction.RESET, f"reset to the original of {copy.assignment.title!r}")
    _remove_nodes_from_host(project)
    fresh = _import_for(copy.assignment, copy.student)  # a scratch project; its content moves over
    relations = _content_relations()
    for rel in relations:
        rel.related_model.objects.filter(**{rel.field.name: project}).delete()
    for rel in relations:
        rel.related_model.objects.filter(**{rel.field.name: fresh}).update(**{rel.field.name: project})
    fresh.delete()
    by = user.get_username() if user is not None and user.is_authenticated else ""
    publish(project.pk, "project.reset", by=by)
    copy.refresh_from_db()
    return copy


def _running(copy: StudentCopy) -> bool:
    return any(node.status != NodeStatus.STOPPED for node in copy.project.nodes.all())


@transaction.atomic
def stop_copies(copies, user) -> list[Operation]:
    """Ask a worker to stop each copy that has a node not stopped; returns the operations."""
    copies = copies.select_related("project").prefetch_related("project__nodes")
    return [dispatch.stop_project(copy.project, user) for copy in copies if _running(copy)]


@transaction.atomic
def delete_copies(copies, user) -> int:
    """Delete copies and their projects (end of term); the host is cleaned by the worker."""
    count = 0
    for copy in copies.select_related("project", "assignment"):
        record_audit(user, copy.project, AuditAction.DELETE, f"copy of {copy.assignment.title!r} deleted")
        dispatch.delete_project(copy.project)  # cascades to the copy row
        count += 1
    return count
