"""Export and import of a whole project as a versioned, self-contained JSON document.

Nodes refer to templates by name and links to nodes by name, so a document moves between
servers and round-trips exactly: import(export(p)) exports to the same document. Import is
linear in the document (in-memory name and port maps, bulk inserts) and bounded by the project
limits of `webgns.labs.limits`.
"""

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from webgns.labs import impairment_fields, limits, openflow_target, scheduler
from webgns.labs.models import Annotation, Link, Node, Project, Template
from webgns.labs.validators import project_name_from, validate_name, validate_project_name

FORMAT = "webgns-topology"
VERSION = 1
NODE_FIELDS = ("name", "x", "y", "adapters", "environment", "start_command", "startup", "openflow_controller",
               "files", "sysctls", "cpus", "memory_mb", "vlans")
ANNOTATION_FIELDS = ("kind", "text", "x", "y", "width", "height", "style", "z")


def export_project(project: Project) -> dict:
    nodes = list(project.nodes.select_related("template").order_by("created", "name"))
    names = {n.id: n.name for n in nodes}
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": project.name,
        "nodes": [
            {
                "name": n.name,
                "template": n.template.name,
                "kind": n.kind,
                "x": n.x,
                "y": n.y,
                "adapters": n.adapters,
                "environment": n.environment,
                "start_command": n.start_command,
                "startup": n.startup_lines,
                "openflow_controller": n.openflow_controller,
                # The node's own files only: the template's defaults come from the template there.
                "files": n.files,
                "sysctls": n.sysctls,
                "vlans": n.vlans,
                "cpus": n.cpus,
                "memory_mb": n.memory_mb,
            }
            for n in nodes
        ],
        "links": [
            {
                "a": {"node": names[lk.a_node_id], "port": lk.a_port},
                "b": {"node": names[lk.b_node_id], "port": lk.b_port},
                "impairment": {d: dict(lk.impairment.get(d, {})) for d in impairment_fields.DIRECTIONS},
            }
            for lk in project.links.order_by("created")
        ],
        # Optional on import: documents from before annotations existed have none.
        "annotations": [
            {field: getattr(a, field) for field in ANNOTATION_FIELDS}
            for a in Annotation.objects.filter(project=project).order_by("z", "created")
        ],
    }


def _fail(path: str, message: str) -> None:
    raise serializers.ValidationError({path: [message]})


def check_header(document: object, shape: str = "JSON object") -> None:
    """A topology document of this server's format and version (JSON or YAML alike), or a 400 naming why."""
    if not isinstance(document, dict):
        _fail("document", f"Must be a {shape}.")
    if document.get("format") != FORMAT:
        _fail("format", f"Must be {FORMAT!r}.")
    if document.get("version") != VERSION:
        _fail("version", f"Version {document.get('version')!r} is not supported (this server reads {VERSION}).")


def _check(document: object) -> None:
    check_header(document)
    for key in ("nodes", "links", "annotations"):
        if not isinstance(document.get(key, []), list):
            _fail(key, f"{key} must be a list.")


def _clean_name(value: object, path: str, validator) -> str:
    try:
        validator(value if isinstance(value, str) else "")
    except Exception as exc:  # django ValidationError; re-raised with the document path
        _fail(path, " ".join(getattr(exc, "messages", [str(exc)])))
    return value


def usable_templates(*owners) -> dict[str, Template]:
    """Template name -> template for an import: global ones, overridden by the owners' private ones
    (in the order given: an assignment's copy uses its teacher's templates)."""
    by_name = {t.name: t for t in Template.objects.filter(owner__isnull=True)}
    for owner in reversed([o for o in owners if o is not None]):
        by_name.update({t.name: t for t in Template.objects.filter(owner=owner)})
    return by_name


def unused_name(owner, name: object, *, copy: bool = False) -> object:
    """`name`, or "<name> (copy)", "<name> (copy 2)"… when `owner` has a project of that name already (with
    `copy`, a copy's name even when not), so an import or a duplicate never makes a second row that reads
    the same. Anything but a string is returned as it is, for the import's validation to refuse."""
    if not isinstance(name, str):
        return name
    name = name.strip()
    taken = set(Project.objects.filter(owner=owner).values_list("name", flat=True))
    if name not in taken and not copy:
        return name
    for number in range(1, len(taken) + 2):
        candidate = project_name_from(f"{name} (copy)" if number == 1 else f"{name} (copy {number})")
        if candidate not in taken:
            return candidate
    return name  # not reached: len(taken) + 1 candidates cannot all be taken


def build(document: object, owner, name: str | None = None, template_owner=None, staff: bool = False) -> tuple:
    """The unsaved project, nodes, links and annotations of a document, every check done in memory.

    `staff`: staff stand behind the document's values (a staff importer, a staff teacher's lab
    copied), so a node may pass the per-node maxima as staff may."""
    _check(document)
    project_name = _clean_name(name or document.get("name"), "name", validate_project_name)
    raw_nodes, raw_links = document.get("nodes", []), document.get("links", [])
    limits.check_project_size(len(raw_nodes), len(raw_links))
    project = Project(name=project_name, owner=owner)
    templates = usable_templates(template_owner, owner)
    nodes = _nodes(project, raw_nodes, templates, staff)
    try:
        scheduler.place_nodes(nodes)
    except scheduler.PlacementFailed as error:
        _fail("nodes", str(error))
    links = _links(project, {n.name: n for n in nodes}, raw_links)
    annotations = _annotations(project, document.get("annotations", []))
    return project, nodes, links, annotations


def validate_document(document: object, owner, name: str | None = None, template_owner=None,
                      staff: bool = False) -> None:
    """What `import_project` would refuse, refused the same way; nothing is stored."""
    build(document, owner, name=name, template_owner=template_owner, staff=staff)


def import_project(document: object, owner, name: str | None = None, template_owner=None,
                   staff: bool = False, admit: Callable[[], None] | None = None) -> Project:
    """Create a project from a document; all or nothing.

    Everything is checked in memory first (names, templates, ports: linear in the document's size),
    then written in one short transaction of bulk inserts, so other writers wait at most for that.
    `template_owner`'s private templates are usable too (the teacher's, for a student's copy).
    `admit` runs in the transaction that writes the project, before it does (a per-user limit's
    locked count).
    """
    project, nodes, links, annotations = build(document, owner, name=name, template_owner=template_owner,
                                               staff=staff)
    # Increasing timestamps keep the document's order (exports sort by them).
    base = timezone.now()
    for i, row in enumerate(nodes + links + annotations):
        row.created = base + timedelta(microseconds=i)
    with transaction.atomic():
        if admit is not None:
            admit()
        project.save()
        Node.objects.bulk_create(nodes, batch_size=BATCH)
        Link.objects.bulk_create(links, batch_size=BATCH)
        Annotation.objects.bulk_create(annotations, batch_size=BATCH)
    return project


BATCH = 500


def _annotations(project: Project, raw_annotations: list) -> list[Annotation]:
    from webgns.labs.api.serializers import MAX_ANNOTATIONS, AnnotationSerializer

    if len(raw_annotations) > MAX_ANNOTATIONS:
        _fail("annotations", f"A project holds at most {MAX_ANNOTATIONS} annotations.")
    found: list[Annotation] = []
    for i, raw in enumerate(raw_annotations):
        if not isinstance(raw, dict):
            _fail(f"annotations[{i}]", "Must be an object.")
        data = {k: raw[k] for k in ANNOTATION_FIELDS if k in raw}
        serializer = AnnotationSerializer(data=data, context={"project": project, "importing": True})
        if not serializer.is_valid():
            raise serializers.ValidationError({f"annotations[{i}]": serializer.errors})
        found.append(Annotation(project=project, **serializer.validated_data))
    return found


def _nodes(project: Project, raw_nodes: list, templates: dict[str, Template], staff: bool = False) -> list[Node]:
    from webgns.labs.api.serializers import NodeSerializer, lab_texts, new_node

    nodes: list[Node] = []
    taken: set[str] = set()
    for i, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict):
            _fail(f"nodes[{i}]", "Must be an object.")
        node_name = _clean_name(raw.get("name"), f"nodes[{i}].name", validate_name)
        template_name = raw.get("template")
        template = templates.get(template_name) if isinstance(template_name, str) else None
        if template is None:
            _fail(f"nodes[{i}].template", f"No template named {template_name!r} on this server.")
        kind = raw.get("kind", template.kind)
        if kind != template.kind:
            _fail(f"nodes[{i}].kind", f"Template {template.name!r} here is a {template.kind}, not {kind!r}.")
        data = {k: raw[k] for k in NODE_FIELDS if k in raw}
        data["template"] = template.pk
        serializer = NodeSerializer(data=data, context={"project": project, "port_usage": {}, "taken_names": taken,
                                                        "staff": staff, "controller_in_lab": False})
        if not serializer.is_valid():
            raise serializers.ValidationError({f"nodes[{i}]": serializer.errors})
        taken.add(node_name)
        nodes.append(new_node(project, serializer.validated_data))
    if not staff:
        # Controllers are checked against the whole document: the controller node may come later.
        texts = lab_texts(nodes)
        for i, node in enumerate(nodes):
            if problem := openflow_target.lab_problem(node.openflow_controller, texts):
                _fail(f"nodes[{i}].openflow_controller", problem)
    return nodes


def _links(project: Project, by_name: dict[str, Node], raw_links: list) -> list[Link]:
    from webgns.labs.api.serializers import choose_port, netem_refusal

    links: list[Link] = []
    in_use: set[tuple[str, str]] = set()
    netem_used: dict[str, float] = {}
    for i, raw in enumerate(raw_links):
        if not isinstance(raw, dict):
            _fail(f"links[{i}]", "Must be an object.")
        ends = []
        for side in ("a", "b"):
            end = raw.get(side)
            node_name = end.get("node") if isinstance(end, dict) else None
            if not isinstance(node_name, str) or node_name not in by_name:
                _fail(f"links[{i}].{side}", "Must name a node of this document.")
            port = end.get("port")
            if port is not None and not isinstance(port, str):
                _fail(f"links[{i}].{side}", "port must be a string.")
            ends.append((side, by_name[node_name], port))
        if ends[0][1] is ends[1][1]:
            raise serializers.ValidationError({f"links[{i}]": {"b": {"node": ["A link joins two different nodes."]}}})
        try:
            placed = [(node, choose_port(side, node, port, in_use)) for side, node, port in ends]
            impairment = impairment_fields.normalise(raw.get("impairment", {}))
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"impairment": error.detail}
            if "a" not in detail and "b" not in detail and "impairment" not in detail:
                detail = {"impairment": detail}
            raise serializers.ValidationError({f"links[{i}]": detail}) from error
        for direction in impairment.values():
            netem_used.update({k: v for k, v in direction.items() if k in impairment_fields.NETEM_FIELDS})
        (a, a_port), (b, b_port) = placed
        links.append(Link(project=project, a_node=a, a_port=a_port, b_node=b, b_port=b_port, impairment=impairment))
    hosts = {n.compute_host for n in by_name.values()}
    if netem_used and (refusal := netem_refusal(project, {"a_to_b": netem_used}, hosts=hosts)):
        _fail("links", refusal)
    return links
