"""Write what the engine observed back to the database, and publish each change as an event."""

from django.db import transaction
from django.utils import timezone

from webgns.compute.specs import LinkState, NodeState
from webgns.labs.api.serializers import LinkSerializer, NodeSerializer
from webgns.labs.choices import OperationStatus
from webgns.labs.events import publish
from webgns.labs.models import Link, Node, Operation


def set_node_status(node_id: str, status: str, error: str = "") -> Node | None:
    with transaction.atomic():
        node = Node.objects.select_related("project", "template").filter(pk=node_id).first()
        if node is None:  # deleted meanwhile: nothing to report
            return None
        if node.status != status or node.error != error:
            node.status, node.error = status, error
            node.save(update_fields=["status", "error"])
            publish(node.project_id, "node.updated", node=NodeSerializer(node, context={"project": node.project}).data)
        return node


def save_node_state(node_id: str, state: NodeState) -> Node | None:
    return set_node_status(node_id, state.status, state.error)


def save_link_state(link_id: str, state: LinkState) -> None:
    with transaction.atomic():
        link = Link.objects.filter(pk=link_id).first()
        if link is None:
            return
        if link.status != state.status or link.error != state.error:
            link.status, link.error = state.status, state.error
            link.save(update_fields=["status", "error"])
            publish(link.project_id, "link.updated", link=LinkSerializer(link).data)


def progress(op: Operation, *, done: int | None = None, total: int | None = None, status: str | None = None,
             error: str | None = None, check: bool = True) -> None:
    """Record progress; with `check`, first make sure the operation is still this task's to run
    (raises claims.OperationAbandoned when reconcile failed it or its deadline passed)."""
    if check:
        from webgns.tasks.claims import still_ours

        still_ours(op)
    with transaction.atomic():
        if done is not None:
            op.done = done
        if total is not None:
            op.total = total
        if status is not None:
            op.status = status
        if error is not None:
            op.error = error
        finished = op.status in (OperationStatus.DONE, OperationStatus.ERROR)
        if finished:
            op.finished = timezone.now()
        # Only what progress owns: the heartbeat thread writes `heartbeat` meanwhile.
        op.save(update_fields=["done", "total", "status", "error", "finished"])
        publish(op.project_id, "operation.done" if finished else "operation.progress", operation=op.as_event())
