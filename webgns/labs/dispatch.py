"""From an API request to a worker: record an Operation, enqueue the task after commit.

The web tier never changes the host; it states what it wants here and the worker makes it so.
Each task goes to the queue of the compute host of the node(s) it concerns
(`webgns.tasks.routing`); a link between two hosts gets one task per host, each making its end.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from webgns.labs.choices import OperationKind, OperationStatus
from webgns.labs.models import ComputeHost, Link, Node, Operation, Project
from webgns.labs.models.compute_host import DOWN
from webgns.tasks import host_tasks
from webgns.tasks.routing import BrokerUnavailable, enqueue, enqueue_for_nodes, hosts_of, publish


class HostDown(APIException):
    """A start asked of a host another host saw stop answering: it would wait for its deadline."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "compute_host_down"


STARTS = (OperationKind.PROJECT_START, OperationKind.NODE_START, OperationKind.NODE_RESTART)


def _refuse_down_hosts(hosts: set[str]) -> None:
    for host in ComputeHost.objects.filter(name__in=hosts, status=DOWN).order_by("name"):
        raise HostDown({"compute_host": [f"Compute host {host.name!r} is down ({host.status_reason}); "
                                         "its nodes start once it answers again."]})


def start_under_way(project: Project, kind: str, target: Node | None = None) -> Operation | None:
    """An unfinished start that already covers this one: the lab's own, or the same node's.

    Starting what is starting is no new work: a second click, or "Start all" while a start runs,
    gets that start's operation back instead of a second one queued behind it."""
    if kind not in (OperationKind.PROJECT_START, OperationKind.NODE_START):
        return None
    covering = Q(kind=OperationKind.PROJECT_START)
    if kind == OperationKind.NODE_START and target is not None:
        covering |= Q(kind=OperationKind.NODE_START, target=target.id)
    return (Operation.objects.filter(covering, project=project, finished__isnull=True, deadline__gt=timezone.now())
            .order_by("-created").first())


def operation(project: Project, kind: str, user, target: Node | None = None) -> Operation:
    """Record the operation and hand it to its first host's worker once the row is committed.

    One transaction: the quota check (a pre_save receiver of the classrooms app, which locks the
    rows it counts against) and the row it admits commit together, so concurrent starts are counted
    against each other. If the broker cannot take the task, the operation is failed right here and
    the request answers 503: a request answered with an error never runs later (reconcile resends
    only unfinished operations)."""
    from webgns.tasks.operations import plan_parts

    with transaction.atomic():
        running = start_under_way(project, kind, target)
        if running is not None:
            return running
        nodes = [target] if target is not None else list(Node.objects.filter(project=project).only("compute_host"))
        if kind in STARTS:
            _refuse_down_hosts({n.compute_host for n in nodes})
        parts = plan_parts(kind, hosts_of(nodes))
        op = Operation.objects.create(project=project, kind=kind, user=user if user and user.pk else None,
                                      target=target.id if target else None, parts=parts)
        transaction.on_commit(lambda: _hand_over(op, parts[0][0]))
    return op


def _hand_over(op: Operation, host: str) -> None:
    try:
        publish(host_tasks.run_operation, host, str(op.id), 0)
    except BrokerUnavailable as error:
        Operation.objects.filter(pk=op.pk, finished__isnull=True).update(
            status=OperationStatus.ERROR, error=str(error), finished=timezone.now())
        raise


def apply_operation(project: Project, user, node_ids: list[str]) -> Operation:
    """The operation that (re)starts the nodes an apply changed or added to a running lab."""
    from webgns.tasks.operations import plan_parts

    nodes = list(Node.objects.filter(pk__in=node_ids).only("compute_host"))
    _refuse_down_hosts({n.compute_host for n in nodes})
    parts = plan_parts(OperationKind.PROJECT_APPLY, hosts_of(nodes))
    op = Operation.objects.create(project=project, kind=OperationKind.PROJECT_APPLY, user=user if user and user.pk
                                  else None, targets=node_ids, parts=parts)
    transaction.on_commit(lambda: _hand_over(op, parts[0][0]))
    return op


def start_project(project: Project, user) -> Operation:
    return operation(project, OperationKind.PROJECT_START, user)


def stop_project(project: Project, user) -> Operation:
    return operation(project, OperationKind.PROJECT_STOP, user)


def node_action(node: Node, action: str, user) -> Operation:
    kind = {"start": OperationKind.NODE_START, "stop": OperationKind.NODE_STOP,
            "restart": OperationKind.NODE_RESTART}[action]
    return operation(node.project, kind, user, target=node)


def _ends(link: Link) -> list[Node]:
    return [link.a_node, link.b_node]


def link_created(link: Link) -> None:
    from webgns.labs.vnis import sync_vni

    sync_vni(link)
    enqueue_for_nodes(host_tasks.plumb_link, _ends(link), str(link.id))


def link_changed(link: Link) -> None:
    enqueue_for_nodes(host_tasks.apply_impairments, _ends(link), str(link.id))


def node_vlans_changed(node: Node) -> None:
    enqueue(host_tasks.apply_vlans, node.compute_host, str(node.id))


def link_deleted(link: Link) -> None:
    from webgns.tasks.specs_from_models import link_spec_dict, node_spec_dicts

    spec = link_spec_dict(link)
    nodes = node_spec_dicts(_ends(link))
    enqueue_for_nodes(host_tasks.remove_link, _ends(link), spec, nodes)


def node_deleted(node: Node, links: list[Link]) -> None:
    """The node's host removes it and its ends; the host at the far end of each cross-host link
    removes its own end of that link."""
    from webgns.tasks.specs_from_models import link_spec_dict, node_spec_dict, node_spec_dicts

    others = {n.id: n for link in links for n in _ends(link)}
    enqueue(host_tasks.remove_node, node.compute_host, node_spec_dict(node), [link_spec_dict(lk) for lk in links],
            node_spec_dicts(others.values()))
    for link in links:
        far = link.b_node if link.a_node_id == node.id else link.a_node
        if far.compute_host != node.compute_host:
            enqueue(host_tasks.remove_link, far.compute_host, link_spec_dict(link),
                    node_spec_dicts(_ends(link)))


def project_hosts(project: Project) -> list[str]:
    """The hosts a project's nodes are on: ask before deleting it (the rows go with it)."""
    return sorted(set(Node.objects.filter(project=project).values_list("compute_host", flat=True)))


def project_deleted(project_id: str, hosts: list[str]) -> None:
    for host in hosts:
        enqueue(host_tasks.remove_project, host, project_id)


def delete_project(project: Project) -> None:
    """Delete a project's rows and, once that commits, have each of its hosts remove its containers and
    links (removing a container stops it: no stop operation first)."""
    project_id, hosts = str(project.id), project_hosts(project)
    project.delete()
    project_deleted(project_id, hosts)
