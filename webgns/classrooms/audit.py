"""The audit trail: `record_audit(user, project, action)` writes who did what to which lab.

Starts, stops and restarts are recorded by `operation_hooks` whenever an Operation is created,
whichever API asked for it; resets and deletions by `copies`; console sessions by the console
consumer through the `labs.signals.console_opened` signal, received in `operation_hooks`.
"""

from webgns.classrooms.choices import AuditAction
from webgns.classrooms.models import AuditEvent, StudentCopy
from webgns.labs.models import Project


def record_audit(user, project: Project, action: str, detail: str = "") -> AuditEvent:
    """Record one event; `action` is an AuditAction value ("start", "stop", "console", "reset"...)."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}; expected one of {', '.join(AuditAction.values)}")
    copy = StudentCopy.objects.filter(project_id=project.pk).select_related("assignment").first()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        project_id=project.pk,
        project_name=project.name,
        course_id=copy.assignment.course_id if copy else None,
        detail=detail[:255],
    )
