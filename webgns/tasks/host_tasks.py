"""The Celery tasks that change the host. Each takes ids or specs (JSON), holds the project's lock,
and delegates to `operations` or straight to the engine."""

import requests
from celery import shared_task
from django.utils import timezone
from docker.errors import DockerException

from webgns.compute.errors import EngineError
from webgns.compute.specs import LINK_DOWN, STARTED, LinkState
from webgns.labs.models import Link, Node
from webgns.tasks import claims, operations
from webgns.tasks.engine import lab_engine
from webgns.tasks.locks import project_lock
from webgns.tasks.specs_from_models import link_spec, link_spec_from_dict, node_spec, node_spec_from_dict
from webgns.tasks.status import save_link_state


@shared_task(name="webgns.tasks.run_operation")
def run_operation(operation_id: str, part: int = 0) -> None:
    """Run part `part` of the operation (one host's share: see `operations`), then hand it over."""
    op = claims.claim(operation_id, part)
    if op is None:  # finished, past its deadline, or a live worker runs it (a redelivered task)
        return
    following = None
    with claims.heartbeat(operation_id):
        remaining = (op.deadline - timezone.now()).total_seconds()
        with project_lock(str(op.project_id), timeout=max(1.0, remaining), owner=f"op-{op.pk}"):
            op.refresh_from_db()
            if op.finished is None:
                following = operations.run(op)
    # After the heartbeat stopped (it would otherwise mark the next part as claimed).
    if following is not None:
        claims.hand_over(op, following)


def _link_nodes(link: Link) -> dict:
    return {str(n.id): node_spec(n) for n in Node.objects.filter(pk__in=[link.a_node_id, link.b_node_id])
            .select_related("template")}


def _hosts(nodes: dict) -> dict[str, str]:
    return {node_id: spec.compute_host for node_id, spec in nodes.items()}


@shared_task(name="webgns.tasks.plumb_link")
def plumb_link(link_id: str) -> None:
    link = Link.objects.filter(pk=link_id).first()
    if link is None:
        return
    with project_lock(str(link.project_id)):
        nodes = _link_nodes(link)
        spec = link_spec(link, _hosts(nodes))
        engine = lab_engine()
        if spec.tunnel is not None:
            # Between two hosts: this host makes its end as soon as its node runs (the far end is
            # the other host's task); the link is up once both ends are.
            state = engine.plumb_links([spec], nodes).get(link_id)
            if state is not None:
                save_link_state(link_id, state)
            return
        if all(Node.objects.get(pk=n).status == STARTED for n in nodes):
            state = engine.plumb_links([spec], nodes).get(link_id, LinkState(LINK_DOWN))
        else:
            state = LinkState(LINK_DOWN)
        save_link_state(link_id, state)


@shared_task(name="webgns.tasks.apply_impairments")
def apply_impairments(link_id: str) -> None:
    link = Link.objects.filter(pk=link_id).first()
    if link is None:
        return
    with project_lock(str(link.project_id)):
        link.refresh_from_db()
        nodes = _link_nodes(link)
        spec = link_spec(link, _hosts(nodes))
        if link.status == LINK_DOWN and spec.tunnel is None:
            return  # applied when the link comes up
        state = lab_engine().apply_impairments(spec, nodes)
        if spec.tunnel is not None and state.status == LINK_DOWN:
            return  # this host's node does not run: its end gets the impairment when it is made
        save_link_state(link_id, state)


@shared_task(name="webgns.tasks.remove_link")
def remove_link(link: dict, nodes: list[dict]) -> None:
    spec = link_spec_from_dict(link)
    with project_lock(spec.project_id):
        lab_engine().remove_link(spec, {n["id"]: node_spec_from_dict(n) for n in nodes})


@shared_task(name="webgns.tasks.remove_node")
def remove_node(node: dict, links: list[dict], neighbours: list[dict]) -> None:
    spec = node_spec_from_dict(node)
    nodes = {n["id"]: node_spec_from_dict(n) for n in neighbours}
    nodes[spec.id] = spec
    with project_lock(spec.project_id):
        engine = lab_engine()
        for link in links:
            engine.remove_link(link_spec_from_dict(link), nodes)
        engine.remove_node(spec)


@shared_task(name="webgns.tasks.remove_project")
def remove_project(project_id: str) -> None:
    with project_lock(project_id):
        lab_engine().remove_project(project_id)


@shared_task(name="webgns.tasks.exec_in_node")
def exec_in_node(node_id: str, command: str, timeout: float) -> dict:
    """The command's result, or {"refused": reason} when the node cannot run it (the API's 409)."""
    node = Node.objects.select_related("template").filter(pk=node_id).first()
    if node is None:
        return {"refused": "the node was deleted"}
    try:
        result = lab_engine().exec(node_spec(node), command, timeout=timeout)
    except EngineError as error:
        return {"refused": str(error)}
    except (DockerException, requests.exceptions.RequestException, OSError) as error:
        return {"refused": f"Docker on compute host {node.compute_host!r} is not answering ({error})"}
    return {"exit_code": result.exit_code, "output": result.output, "truncated": result.truncated,
            "timed_out": result.timed_out}


@shared_task(name="webgns.tasks.apply_vlans")
def apply_vlans(node_id: str) -> None:
    """A running switch's port VLANs follow its node's `vlans` (PATCH on a running lab)."""
    from django.db.models import Q

    node = Node.objects.select_related("template").filter(pk=node_id).first()
    if node is None:
        return
    with project_lock(str(node.project_id)):
        node.refresh_from_db()
        links = Link.objects.filter(Q(a_node=node) | Q(b_node=node))
        lab_engine().apply_vlans(node_spec(node), [link_spec(lk) for lk in links])


@shared_task(name="webgns.tasks.read_node_files")
def read_node_files(node_id: str, paths: list[str]) -> dict:
    """Save running config: {"files": {path: text}, "errors": {path: why}} (or {"detail"} when it cannot run)."""
    from webgns.compute.errors import EngineError

    node = Node.objects.select_related("template").get(pk=node_id)
    try:
        found, errors = lab_engine().read_files(node_spec(node), paths)
    except EngineError as error:
        return {"detail": str(error)}
    return {"files": found, "errors": errors}
