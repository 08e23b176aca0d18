"""One entry for every topology an import or an apply receives: which format, and its JSON document.

A request brings a topology as a JSON body, a raw body (YAML, or a `.tar.gz` of a topology folder)
or the multipart field `file`; `?format=json|yaml|clab|gns3` says which, else it is detected
(gzip magic, then JSON, then YAML: a containerlab file has `topology.nodes`, a GNS3 one
`"type": "topology"`). Every format becomes the JSON document of `webgns.labs.topology` plus a
report of what each node and link becomes, so `?dry_run=1`, a refusal and an import agree.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from rest_framework import serializers

from webgns.labs import topology, topology_archive, topology_clab, topology_yaml
from webgns.labs.api.parsers import RawBody
from webgns.labs.topology_images import TemplateChooser, parse_map

JSON, YAML, CLAB, GNS3 = "json", "yaml", "clab", "gns3"
FORMATS = (JSON, YAML, CLAB, GNS3)


@dataclass
class Incoming:
    """A parsed topology: its format, the JSON document to store and the per-node/link report."""

    format: str
    document: dict
    nodes: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        return {"format": self.format, "nodes": self.nodes, "links": self.links}


def _flag(value: object) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


def options(request) -> tuple[str | None, dict[str, str], bool]:
    """(?format=, map, skip_unsupported) from the query, a form beside `file`, or a JSON body's fields."""
    data = request.data if hasattr(request.data, "get") and not isinstance(request.data, RawBody) else {}
    wanted = request.query_params.get("format") or None
    if wanted is not None and wanted not in FORMATS:
        raise serializers.ValidationError({"format": [f"Must be one of {', '.join(FORMATS)}."]})
    mapping = parse_map(request.query_params.get("map") or data.get("map"))
    skip = _flag(request.query_params.get("skip_unsupported") or data.get("skip_unsupported") or "")
    return wanted, mapping, skip


def _payload(request) -> tuple[bytes | dict | list | None, str]:
    """The topology's bytes (or an already parsed JSON body) and its file name if it came as a file."""
    data = request.data
    if isinstance(data, RawBody):
        return data.content, ""
    upload = request.FILES.get("file") if hasattr(request, "FILES") else None
    if upload is not None:
        return upload.read(), upload.name or ""
    if isinstance(data, dict) and "file" in data and isinstance(data["file"], str):
        return data["file"].encode(), ""
    if hasattr(data, "dict") and not isinstance(data, dict):  # a QueryDict without a file
        raise serializers.ValidationError({"file": ["Send the topology as the body or as the multipart field 'file'."]})
    return data, ""


def _parse_text(text: str, wanted: str | None) -> object:
    if wanted == JSON or (wanted is None and text.lstrip()[:1] in "{["):
        try:
            return json.loads(text)
        except ValueError as error:
            if wanted == JSON:
                raise serializers.ValidationError({"file": [f"JSON error: {error}"]}) from error
    # YAML reads JSON too; its errors name the line and column.
    return topology_yaml.load(text, "file")


def _detect(text_or_data: object, file_name: str, from_text: bool) -> str:
    if file_name.endswith((".clab.yml", ".clab.yaml")):
        return CLAB
    if file_name.endswith((".gns3", ".gns3project")):
        return GNS3
    if isinstance(text_or_data, dict):
        if topology_clab.looks_like(text_or_data):
            return CLAB
        if text_or_data.get("type") == "topology" and "topology" in text_or_data:
            return GNS3
        # A JSON body is the JSON document; a mapping of nodes in text is the YAML one.
        if from_text and isinstance(text_or_data.get("nodes"), dict):
            return YAML
    return JSON


def read(request, templates: dict, name: str | None = None) -> Incoming:
    """The request's topology as a JSON document (nothing stored), or a 400 naming what is wrong."""
    wanted, mapping, skip = options(request)
    payload, file_name = _payload(request)
    folder: dict[str, bytes] | None = None
    base = ""
    if isinstance(payload, bytes) and topology_archive.is_archive(payload):
        folder = topology_archive.read(payload)
        file_name = topology_archive.topology_member(folder)
        base = posixpath.dirname(file_name)
        payload = folder[file_name]
    if isinstance(payload, bytes) and topology_archive.is_zip(payload):  # a .gns3project
        folder = topology_archive.read_zip(payload)
        inner = sorted((n.count("/"), n) for n in folder if n.endswith(".gns3"))
        if not inner:
            raise serializers.ValidationError({"file": ["The zip holds no .gns3 file."]})
        file_name = inner[0][1]
        payload = folder[file_name]
    from_text = isinstance(payload, bytes)
    if from_text:
        try:
            text = payload.decode()
        except UnicodeDecodeError as error:
            raise serializers.ValidationError({"file": ["The topology is not UTF-8 text."]}) from error
        if "\0" in text:
            raise serializers.ValidationError({"file": ["Text may not contain NUL characters."]})
        data = _parse_text(text, wanted)
    else:
        data = payload
    kind = wanted or _detect(data, file_name, from_text)
    chooser = TemplateChooser(templates, mapping)
    if kind in (CLAB, GNS3):
        from webgns.labs import topology_gns3

        planned = (topology_clab.plan(data, chooser, folder, base, skip_unsupported=skip, name=name) if kind == CLAB
                   else topology_gns3.plan(data, chooser, skip_unsupported=skip, name=name))
        incoming = Incoming(kind, planned.document, planned.nodes, planned.links)
        if planned.refused and not skip:
            raise serializers.ValidationError({
                "detail": [f"{len(planned.refused)} node(s)/link(s) cannot run here: map their images or node types "
                           "(map=) or skip them (skip_unsupported=true)."],
                **incoming.report()})
        return incoming
    if kind == YAML:

        def by_image(image: object, path: str) -> str:
            template, why = chooser.choose(image if isinstance(image, str) else None)
            if template is None:
                raise serializers.ValidationError({path: [why]})
            return template.name

        document = topology_yaml.to_document(data, folder, base, images=by_image)
    else:
        document = data
    if isinstance(document, dict) and name:
        document = {**document, "name": name}
    incoming = Incoming(kind, document)
    if isinstance(document, dict):
        # Rows for what is shaped right; `topology.build` names anything else when it checks.
        nodes, links = document.get("nodes"), document.get("links")
        for raw in nodes if isinstance(nodes, list) else []:
            if isinstance(raw, dict):
                incoming.nodes.append({"name": raw.get("name"), "template": raw.get("template"),
                                       "action": "create", "reason": f"template {raw.get('template')!r}"})
        for raw in links if isinstance(links, list) else []:
            ends = [raw.get(side) for side in "ab"] if isinstance(raw, dict) else []
            if len(ends) == 2 and all(isinstance(end, dict) for end in ends):
                shown = [f"{end.get('node')}:{end.get('port') or ''}" for end in ends]
                incoming.links.append({"endpoints": shown, "action": "create", "reason": "veth"})
    return incoming


def check(incoming: Incoming, owner, template_owner=None) -> None:
    """Everything import would check (names, templates, ports, limits), storing nothing."""
    topology.validate_document(incoming.document, owner, template_owner=template_owner)
