"""The webgns YAML topology format: the JSON export's content, written for people and git.

The YAML document is a view of the JSON document of `webgns.labs.topology` (same version, same
checks): nodes are a mapping keyed by name, links name their endpoints as "node:port", a node's
settings equal to its template's are left out, and a file's text may live beside the YAML (a
relative path, read from the same folder of a `.tar.gz`). `to_document` turns YAML into the JSON
document that `topology.import_project` stores; `from_project` writes a project as YAML. Export →
import → export gives the same text. The format is described in docs/topology-format.md and by the
JSON Schema in docs/topology.schema.json (served at /api/schema/topology.json).
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

import yaml
from rest_framework import serializers

from webgns.labs import topology
from webgns.labs.models import Project

FORMAT = topology.FORMAT
VERSION = topology.VERSION
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "topology.schema.json"
NODE_KEYS = {"template", "image", "kind", "position", "adapters", "env", "cmd", "startup", "files", "sysctls",
             "limits", "vlans", "openflow_controller"}
LINK_KEYS = {"endpoints", "impairment"}


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


class _Dumper(yaml.SafeDumper):
    """Multi-line text (config files) as literal blocks, so a diff in git reads line by line."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted style by itself where a literal block cannot hold the text.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dump(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


# libyaml's safe loader when PyYAML was built with it (several times faster); the same safe subset.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str | bytes, where: str = "document") -> object:
    """YAML text → Python data (the safe loader only); a syntax error → 400 naming the line and column."""
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown place"
        raise serializers.ValidationError({where: [f"YAML error at {place}: {error.problem}"]}) from error
    except yaml.YAMLError as error:
        raise serializers.ValidationError({where: [f"YAML error: {error}"]}) from error


def from_project(project: Project) -> str:
    document = topology.export_project(project)
    templates = {n.name: n.template for n in project.nodes.select_related("template")}
    nodes: dict[str, dict] = {}
    for raw in document["nodes"]:
        template = templates[raw["name"]]
        node: dict = {"template": raw["template"], "position": {"x": raw["x"], "y": raw["y"]},
                      "adapters": raw["adapters"]}
        if raw["environment"] != template.environment:
            node["env"] = raw["environment"]
        if raw["start_command"] != template.start_command:
            node["cmd"] = raw["start_command"]
        for key in ("startup", "files", "sysctls", "vlans", "openflow_controller"):
            if raw[key]:
                node[key] = raw[key]
        limits = {k: raw[k] for k in ("cpus", "memory_mb") if raw[k] is not None}
        if limits:
            node["limits"] = limits
        nodes[raw["name"]] = node
    links = []
    for raw in document["links"]:
        link: dict = {"endpoints": [f"{raw['a']['node']}:{raw['a']['port']}", f"{raw['b']['node']}:{raw['b']['port']}"]}
        impairment = {d: v for d, v in raw["impairment"].items() if v}
        if impairment:
            link["impairment"] = impairment
        links.append(link)
    out: dict = {"format": FORMAT, "version": VERSION, "name": document["name"], "nodes": nodes, "links": links}
    if document["annotations"]:
        out["annotations"] = document["annotations"]
    return dump(out)


def _fail(path: str, message: str) -> None:
    raise serializers.ValidationError({path: [message]})


def _endpoint(value: object, path: str) -> dict:
    if isinstance(value, dict):  # {"node": ..., "port": ...} as in the JSON document
        return {k: value[k] for k in ("node", "port") if k in value}
    if not isinstance(value, str) or not value:
        _fail(path, 'Must be "node" or "node:port".')
    node, _, port = value.partition(":")
    return {"node": node, "port": port} if port else {"node": node}


def read_file_ref(value: object, path: str, folder: dict[str, bytes] | None, base: str = "") -> str:
    """A file's text: given inline, or {"file": "relative/path"} read from the uploaded folder."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or set(value) != {"file"} or not isinstance(value["file"], str):
        _fail(path, 'Must be the file\'s text or {"file": "relative/path"}.')
    relative = value["file"]
    if relative.startswith("/") or ".." in relative.split("/"):
        _fail(path, f"{relative!r}: a file is named relative to the topology's folder, without '..'.")
    if folder is None:
        _fail(path, f"{relative!r}: files by path need the topology's folder (upload a .tar.gz).")
    name = posixpath.normpath(posixpath.join(base, relative))
    if name not in folder:
        _fail(path, f"{relative!r} is not in the uploaded folder.")
    try:
        return folder[name].decode()
    except UnicodeDecodeError:
        _fail(path, f"{relative!r} is not UTF-8 text.")
    return ""


def to_document(data: object, folder: dict[str, bytes] | None = None, base: str = "",
                images: object = None) -> dict:
    """A parsed YAML topology → the JSON document of `webgns.labs.topology` (not yet stored).

    `images(image, path)` names the template for a node given by `image:` instead of `template:`."""
    topology.check_header(data, "YAML mapping")
    unknown = sorted(set(data) - {"format", "version", "name", "description", "nodes", "links", "annotations"})
    if unknown:
        _fail(unknown[0], "Unknown key.")
    raw_nodes = data.get("nodes") or {}
    if not isinstance(raw_nodes, dict):
        _fail("nodes", "Must be a mapping of node name to node.")
    nodes = []
    for name, raw in raw_nodes.items():
        path = f"nodes.{name}"
        raw = raw or {}
        if not isinstance(raw, dict):
            _fail(path, "Must be a mapping.")
        extra = sorted(set(raw) - NODE_KEYS)
        if extra:
            _fail(f"{path}.{extra[0]}", "Unknown key.")
        node: dict = {"name": name if isinstance(name, str) else str(name)}
        if "template" in raw:
            node["template"] = raw["template"]
        elif "image" in raw and images is not None:
            node["template"] = images(raw["image"], f"{path}.image")
        else:
            _fail(f"{path}.template", "Give a template (or an image a template of this server uses).")
        if "kind" in raw:
            node["kind"] = raw["kind"]
        position = raw.get("position", {})
        if isinstance(position, list) and len(position) == 2:
            position = {"x": position[0], "y": position[1]}
        if not isinstance(position, dict) or set(position) - {"x", "y"}:
            _fail(f"{path}.position", "Must be {x: number, y: number}.")
        node.update({k: position[k] for k in ("x", "y") if k in position})
        for yaml_key, json_key in (("adapters", "adapters"), ("env", "environment"), ("cmd", "start_command"),
                                   ("startup", "startup"), ("sysctls", "sysctls"), ("vlans", "vlans"),
                                   ("openflow_controller", "openflow_controller")):
            if yaml_key in raw:
                node[json_key] = raw[yaml_key]
        if isinstance(node.get("startup"), str):
            node["startup"] = node["startup"].splitlines()
        if "files" in raw:
            if not isinstance(raw["files"], dict):
                _fail(f"{path}.files", "Must be a mapping of path to text.")
            node["files"] = {p: read_file_ref(v, f"{path}.files.{p}", folder, base) for p, v in raw["files"].items()}
        limits = raw.get("limits", {})
        if not isinstance(limits, dict) or set(limits) - {"cpus", "memory_mb"}:
            _fail(f"{path}.limits", "Must be {cpus: number, memory_mb: integer}.")
        node.update(limits)
        nodes.append(node)
    raw_links = data.get("links") or []
    if not isinstance(raw_links, list):
        _fail("links", "Must be a list.")
    links = []
    for i, raw in enumerate(raw_links):
        if not isinstance(raw, dict):
            _fail(f"links[{i}]", "Must be a mapping.")
        extra = sorted(set(raw) - LINK_KEYS)
        if extra:
            _fail(f"links[{i}].{extra[0]}", "Unknown key.")
        ends = raw.get("endpoints")
        if not isinstance(ends, list) or len(ends) != 2:
            _fail(f"links[{i}].endpoints", "Must be a list of two endpoints.")
        link = {"a": _endpoint(ends[0], f"links[{i}].endpoints[0]"),
                "b": _endpoint(ends[1], f"links[{i}].endpoints[1]")}
        if "impairment" in raw:
            link["impairment"] = raw["impairment"] or {}
        links.append(link)
    document = {"format": FORMAT, "version": VERSION, "name": data.get("name"), "nodes": nodes, "links": links}
    if "annotations" in data:
        document["annotations"] = data["annotations"] or []
    return document
