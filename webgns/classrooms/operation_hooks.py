"""Receivers on labs.Operation: quotas and the audit trail for every start and stop, whichever API
asked for it (the course API or /api/projects/{p}/start/), without labs knowing about courses.

A start that would pass a quota is refused before the Operation row is written: the
QuotaExceeded (a Django ValidationError) reaches the API's exception handler as a 400.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from webgns.classrooms import quotas
from webgns.classrooms.audit import record_audit
from webgns.classrooms.choices import AuditAction
from webgns.labs.choices import OperationKind
from webgns.labs.models import Node, Operation
from webgns.labs.signals import console_opened

_STARTS = {OperationKind.PROJECT_START, OperationKind.NODE_START, OperationKind.NODE_RESTART}
_AUDITED = {
    OperationKind.PROJECT_START: AuditAction.START,
    OperationKind.NODE_START: AuditAction.START,
    OperationKind.PROJECT_STOP: AuditAction.STOP,
    OperationKind.NODE_STOP: AuditAction.STOP,
    OperationKind.NODE_RESTART: AuditAction.RESTART,
}


@receiver(pre_save, sender=Operation, dispatch_uid="classrooms.quota_on_start")
def refuse_start_over_quota(sender, instance: Operation, **kwargs) -> None:
    applying = instance.kind == OperationKind.PROJECT_APPLY
    if (instance.kind not in _STARTS and not applying) or not instance._state.adding:
        return
    if getattr(instance, "resumes_pooled_copy", False):
        return  # a claimed warm-pool copy: nothing new starts (webgns.classrooms.copies)
    if applying:  # a topology applied to a running lab starts the nodes it names
        if not instance.targets:
            return
        nodes = Node.objects.filter(pk__in=instance.targets)
    else:
        nodes = Node.objects.filter(pk=instance.target) if instance.target else None
    quotas.check_start(instance.project, instance.user, nodes)


@receiver(post_save, sender=Operation, dispatch_uid="classrooms.audit_operation")
def audit_operation(sender, instance: Operation, created: bool, **kwargs) -> None:
    if not created or instance.kind not in _AUDITED:
        return
    detail = ""
    if instance.target:
        node = Node.objects.filter(pk=instance.target).only("name").first()
        detail = f"node {node.name}" if node else ""
    record_audit(instance.user, instance.project, _AUDITED[instance.kind], detail)


@receiver(console_opened, dispatch_uid="classrooms.audit_console")
def audit_console(sender, user, node: Node, mode: str = "interactive", **kwargs) -> None:
    record_audit(user, node.project, AuditAction.CONSOLE, f"node {node.name} ({mode})")
