"""Write what the engine observed back to the database, and publish each change as an event."""

from django.db import transaction
from django.utils import timezone

from webgns.compute.specs import LinkState, NodeState
from webgns.labs.api.serializers import LinkSerializer, NodeSerializer
from webgns.labs.choices import LinkStatus, OperationStatus
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


END_NAMES = ("a", "b")


def _combined(ends: dict) -> tuple[str, str]:
    """A link between two hosts from its two ends' states: up when both are made, error when one
    failed, otherwise down with the reason of the end that is not there."""
    states = [ends.get(name) or {"status": LinkStatus.DOWN, "error": f"its {name} end is not made yet"}
              for name in END_NAMES]
    for wanted in (LinkStatus.ERROR, LinkStatus.DOWN):
        for state in states:
            if state["status"] == wanted:
                return wanted, state.get("error", "")
    return LinkStatus.UP, ""


def save_link_state(link_id: str, state: LinkState) -> None:
    """Record what the engine found; a state about one end (a link between two hosts, each making
    its own end) is merged with the other end's, under a row lock (the other host writes too)."""
    with transaction.atomic():
        rows = Link.objects.filter(pk=link_id)
        link = (rows.select_for_update() if state.end is not None else rows).first()
        if link is None:
            return
        fields = ["status", "error"]
        if state.end is not None:
            ends = dict(link.ends or {})
            ends[END_NAMES[state.end]] = {"status": state.status, "error": state.error}
            if ends != link.ends:
                link.ends = ends
                fields.append("ends")
            status, error = _combined(ends)
        else:
            status, error = state.status, state.error
            if link.ends:
                link.ends = {}
                fields.append("ends")
        changed = link.status != status or link.error != error
        if changed or "ends" in fields:
            link.status, link.error = status, error
            link.save(update_fields=fields)
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
