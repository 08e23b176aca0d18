"""Export and import of a whole project as a versioned, self-contained JSON document.

Nodes refer to templates by name and links to nodes by name, so a document moves between
servers and round-trips exactly: import(export(p)) exports to the same document.
"""

from django.db import transaction
from rest_framework import serializers

from webgns.labs import impairment_fields
from webgns.labs.models import Node, Project, Template
from webgns.labs.validators import validate_name, validate_project_name

FORMAT = "webgns-topology"
VERSION = 1
NODE_FIELDS = ("name", "x", "y", "adapters", "environment", "start_command", "startup", "openflow_controller",
               "files", "sysctls", "cpus", "memory_mb", "vlans")


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
    }


def _fail(path: str, message: str) -> None:
    raise serializers.ValidationError({path: [message]})


def _check(document: object) -> None:
    if not isinstance(document, dict):
        _fail("document", "Must be a JSON object.")
    if document.get("format") != FORMAT:
        _fail("format", f"Must be {FORMAT!r}.")
    if document.get("version") != VERSION:
        _fail("version", f"Version {document.get('version')!r} is not supported (this server reads {VERSION}).")
    if not isinstance(document.get("nodes", []), list) or not isinstance(document.get("links", []), list):
        _fail("nodes", "nodes and links must be lists.")


def _clean_name(value: object, path: str, validator) -> str:
    try:
        validator(value if isinstance(value, str) else "")
    except Exception as exc:  # django ValidationError; re-raised with the document path
        _fail(path, " ".join(getattr(exc, "messages", [str(exc)])))
    return value


@transaction.atomic
def import_project(document: object, owner, name: str | None = None) -> Project:
    """Create a project from a document; all or nothing."""
    from webgns.labs.api.serializers import NodeSerializer

    _check(document)
    project_name = _clean_name(name or document.get("name"), "name", validate_project_name)
    project = Project.objects.create(name=project_name, owner=owner)
    by_name: dict[str, Node] = {}
    for i, raw in enumerate(document.get("nodes", [])):
        if not isinstance(raw, dict):
            _fail(f"nodes[{i}]", "Must be an object.")
        node_name = _clean_name(raw.get("name"), f"nodes[{i}].name", validate_name)
        template = Template.objects.filter(name=raw.get("template")).first()
        if template is None:
            _fail(f"nodes[{i}].template", f"No template named {raw.get('template')!r} on this server.")
        if raw.get("kind", template.kind) != template.kind:
            _fail(f"nodes[{i}].kind", f"Template {template.name!r} here is a {template.kind}, not {raw['kind']}.")
        data = {k: raw[k] for k in NODE_FIELDS if k in raw}
        data["template"] = template.pk
        serializer = NodeSerializer(data=data, context={"project": project, "port_usage": {}})
        if not serializer.is_valid():
            raise serializers.ValidationError({f"nodes[{i}]": serializer.errors})
        by_name[node_name] = serializer.save()
    for i, raw in enumerate(document.get("links", [])):
        _import_link(project, by_name, i, raw)
    return project


def _import_link(project: Project, by_name: dict[str, Node], i: int, raw: object) -> None:
    from webgns.labs.api.serializers import LinkSerializer

    if not isinstance(raw, dict):
        _fail(f"links[{i}]", "Must be an object.")
    data = {"impairment": raw.get("impairment", {})}
    for side in ("a", "b"):
        end = raw.get(side)
        if not isinstance(end, dict) or end.get("node") not in by_name:
            _fail(f"links[{i}].{side}", "Must name a node of this document.")
        data[side] = {"node": str(by_name[end["node"]].id), "port": end.get("port")}
        if data[side]["port"] is None:
            del data[side]["port"]
    serializer = LinkSerializer(data=data, context={"project": project})
    if not serializer.is_valid():
        raise serializers.ValidationError({f"links[{i}]": serializer.errors})
    serializer.save()

