"""Apply: converge an existing project to a topology document, and its running lab with it.

`plan` compares the document (checked exactly as an import checks it) with the project by node
name and by link endpoints and lists the changes; `apply` makes them in one transaction through
the same dispatch calls the REST views use, then records one `project.apply` operation whose
worker (re)starts only the nodes that need it: new nodes when the lab runs, and running nodes
whose container settings, files or startup lines changed (their container is made again, as a
stopped container with changed settings is). Nodes that did not change keep running untouched;
a moved node is only moved; a running switch's VLANs change in place; a link's impairments are
replaced on the live link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webgns.labs import dispatch, scheduler, topology, vnis
from webgns.labs.choices import NodeStatus
from webgns.labs.events import publish
from webgns.labs.models import Annotation, Link, Node, Operation, Project

# Settings a node's container or start reads: a running node restarts when one changes.
RESTART_FIELDS = ("adapters", "environment", "start_command", "startup", "openflow_controller", "files",
                  "sysctls", "cpus", "memory_mb")
LIVE_FIELDS = ("x", "y", "vlans")


def _ends_key(a: str, a_port: str, b: str, b_port: str) -> frozenset:
    return frozenset({(a, a_port), (b, b_port)})


def _link_label(a: str, a_port: str, b: str, b_port: str) -> str:
    return f"{a}:{a_port} — {b}:{b_port}"


@dataclass
class Plan:
    project: Project
    changes: list[dict] = field(default_factory=list)
    create: list[Node] = field(default_factory=list)
    update: list[tuple[Node, Node, list[str]]] = field(default_factory=list)  # (existing, desired, fields)
    delete: list[Node] = field(default_factory=list)
    new_links: list[Link] = field(default_factory=list)
    changed_links: list[tuple[Link, dict]] = field(default_factory=list)
    gone_links: list[Link] = field(default_factory=list)
    annotations: list[Annotation] | None = None


def _node_values(node: Node) -> dict:
    return {"template": node.template_id, "startup": node.startup_lines,
            **{f: getattr(node, f) for f in RESTART_FIELDS + LIVE_FIELDS if f != "startup"}}


def plan(project: Project, document: object, user) -> Plan:
    """The changes that make `project` match `document` (nothing is changed)."""
    _, wanted_nodes, wanted_links, wanted_annotations = topology.build(document, project.owner, name=project.name,
                                                                       template_owner=user,
                                                                       staff=bool(user and user.is_staff))
    result = Plan(project)
    existing = {n.name: n for n in project.nodes.select_related("template")}
    replaced: set[str] = set()
    for node in wanted_nodes:
        old = existing.get(node.name)
        if old is None:
            result.create.append(node)
            result.changes.append({"action": "create", "node": node.name, "template": node.template.name})
            continue
        if old.template_id != node.template_id:
            # A node's template cannot change: the node is made again.
            replaced.add(node.name)
            result.delete.append(old)
            result.create.append(node)
            result.changes.append({"action": "replace", "node": node.name, "template": node.template.name,
                                   "reason": f"template {old.template.name} → {node.template.name}"})
            continue
        before, after = _node_values(old), _node_values(node)
        fields = [f for f in after if f != "template" and before[f] != after[f]]
        if fields:
            restart = old.status == NodeStatus.STARTED and any(f in RESTART_FIELDS for f in fields)
            result.update.append((old, node, fields))
            result.changes.append({"action": "update", "node": node.name, "fields": fields, "restart": restart})
    wanted_names = {n.name for n in wanted_nodes}
    for name, old in existing.items():
        if name not in wanted_names:
            result.delete.append(old)
            result.changes.append({"action": "delete", "node": name})

    names = {n.pk: n.name for n in existing.values()}
    current = {}
    for link in project.links.all():
        a, b = names[link.a_node_id], names[link.b_node_id]
        current[_ends_key(a, link.a_port, b, link.b_port)] = (link, a, b)
    seen = set()
    for link in wanted_links:
        a, b = link.a_node.name, link.b_node.name
        key = _ends_key(a, link.a_port, b, link.b_port)
        label = _link_label(a, link.a_port, b, link.b_port)
        found = current.get(key)
        if found is None or a in replaced or b in replaced:
            result.new_links.append(link)
            result.changes.append({"action": "create", "link": label})
            continue
        seen.add(key)
        old, old_a, _ = found
        # The document may name the ends the other way round: its directions follow its own order.
        impairment = link.impairment if old_a == a else {"a_to_b": link.impairment.get("b_to_a", {}),
                                                         "b_to_a": link.impairment.get("a_to_b", {})}
        if impairment != old.impairment:
            result.changed_links.append((old, impairment))
            result.changes.append({"action": "update", "link": label, "fields": ["impairment"]})
    deleted_names = {n.name for n in result.delete}
    for key, (old, a, b) in current.items():
        if key not in seen and a not in deleted_names and b not in deleted_names:
            result.gone_links.append(old)
            result.changes.append({"action": "delete", "link": _link_label(a, old.a_port, b, old.b_port)})

    have = [{f: getattr(a, f) for f in topology.ANNOTATION_FIELDS}
            for a in Annotation.objects.filter(project=project).order_by("z", "created")]
    want = [{f: getattr(a, f) for f in topology.ANNOTATION_FIELDS} for a in wanted_annotations]
    if have != want:
        result.annotations = wanted_annotations
        result.changes.append({"action": "replace", "annotations": len(want)})
    return result


def _delete_node(node: Node) -> None:
    links = list(Link.objects.filter(Q(a_node=node) | Q(b_node=node)).select_related("a_node", "b_node"))
    dispatch.node_deleted(node, links)
    for link in links:
        publish(node.project_id, "link.deleted", id=str(link.id))
    publish(node.project_id, "node.deleted", id=str(node.id))
    node.delete()


def _node_event(node: Node, event: str) -> None:
    from webgns.labs.api.serializers import NodeSerializer

    publish(node.project_id, event, node=NodeSerializer(node, context={"project": node.project}).data)


def _link_event(link: Link, event: str) -> None:
    from webgns.labs.api.serializers import LinkSerializer

    publish(link.project_id, event, link=LinkSerializer(link).data)


@transaction.atomic
def apply(result: Plan, user) -> Operation:
    """Make the plan's changes and record the operation that brings the running lab along."""
    project = Project.objects.select_for_update().get(pk=result.project.pk)
    running = Node.objects.filter(project=project, status=NodeStatus.STARTED).exists()
    to_start: set[str] = set()
    for node in result.delete:
        _delete_node(node)
    for link in result.gone_links:
        dispatch.link_deleted(link)
        publish(project.id, "link.deleted", id=str(link.id))
        link.delete()
    for old, new, fields in result.update:
        for name in fields:
            setattr(old, name, getattr(new, name))
        old.save(update_fields=fields)
        if old.status == NodeStatus.STARTED and any(f in RESTART_FIELDS for f in fields):
            to_start.add(str(old.id))
        elif "vlans" in fields and old.status == NodeStatus.STARTED:
            dispatch.node_vlans_changed(old)
        _node_event(old, "node.updated")
    if result.create:
        for node in result.create:
            node.project = project
        scheduler.place_nodes(result.create, project=project)
        base = timezone.now()
        for i, node in enumerate(result.create):
            node.created = base + timedelta(microseconds=i)
            node.save()
            _node_event(node, "node.created")
            if running:
                to_start.add(str(node.id))
    by_name = {n.name: n for n in Node.objects.filter(project=project)}
    for link in result.new_links:
        link.project = project
        link.a_node, link.b_node = by_name[link.a_node.name], by_name[link.b_node.name]
        link.save()
        if str(link.a_node_id) in to_start or str(link.b_node_id) in to_start:
            vnis.sync_vni(link)  # the operation plumbs it once its restarted end runs
        else:
            dispatch.link_created(link)
        _link_event(link, "link.created")
    for link, impairment in result.changed_links:
        link.impairment = impairment
        link.save(update_fields=["impairment"])
        if str(link.a_node_id) not in to_start and str(link.b_node_id) not in to_start:
            dispatch.link_changed(link)
        _link_event(link, "link.updated")
    if result.annotations is not None:
        for annotation in Annotation.objects.filter(project=project):
            publish(project.id, "annotation.deleted", id=str(annotation.id))
        Annotation.objects.filter(project=project).delete()
        base = timezone.now()
        for i, annotation in enumerate(result.annotations):
            annotation.project, annotation.created = project, base + timedelta(microseconds=i)
        Annotation.objects.bulk_create(result.annotations)
    return dispatch.apply_operation(project, user, sorted(to_start))
