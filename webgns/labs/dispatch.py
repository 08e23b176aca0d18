"""From an API request to a worker: record an Operation, enqueue the task after commit.

The web tier never changes the host; it states what it wants here and the worker makes it so.
"""

from django.db import transaction

from webgns.labs.choices import OperationKind
from webgns.labs.models import Link, Node, Operation, Project
from webgns.tasks import host_tasks


def _enqueue(task, *args) -> None:
    transaction.on_commit(lambda: task.apply_async(args=args))


def operation(project: Project, kind: str, user, target: Node | None = None) -> Operation:
    op = Operation.objects.create(project=project, kind=kind, user=user if user and user.pk else None,
                                  target=target.id if target else None)
    _enqueue(host_tasks.run_operation, str(op.id))
    return op


def start_project(project: Project, user) -> Operation:
    return operation(project, OperationKind.PROJECT_START, user)


def stop_project(project: Project, user) -> Operation:
    return operation(project, OperationKind.PROJECT_STOP, user)


def node_action(node: Node, action: str, user) -> Operation:
    kind = {"start": OperationKind.NODE_START, "stop": OperationKind.NODE_STOP,
            "restart": OperationKind.NODE_RESTART}[action]
    return operation(node.project, kind, user, target=node)


def link_created(link: Link) -> None:
    _enqueue(host_tasks.plumb_link, str(link.id))


def link_changed(link: Link) -> None:
    _enqueue(host_tasks.apply_impairments, str(link.id))


def node_vlans_changed(node: Node) -> None:
    _enqueue(host_tasks.apply_vlans, str(node.id))


def link_deleted(link: Link) -> None:
    from webgns.tasks.specs_from_models import link_spec_dict, node_spec_dicts

    spec = link_spec_dict(link)
    nodes = node_spec_dicts([link.a_node, link.b_node])
    _enqueue(host_tasks.remove_link, spec, nodes)


def node_deleted(node: Node, links: list[Link]) -> None:
    from webgns.tasks.specs_from_models import link_spec_dict, node_spec_dict, node_spec_dicts

    others = {n.id: n for link in links for n in (link.a_node, link.b_node)}
    _enqueue(host_tasks.remove_node, node_spec_dict(node), [link_spec_dict(lk) for lk in links],
             node_spec_dicts(others.values()))


def project_deleted(project_id: str) -> None:
    _enqueue(host_tasks.remove_project, project_id)
