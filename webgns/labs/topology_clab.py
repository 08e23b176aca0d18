"""containerlab topologies (`*.clab.yml`) in and out, through the JSON document of `topology`.

In: a node's settings are its kind's (`topology.kinds`), its group's and the `defaults` merged
under its own, as containerlab merges them. `linux` nodes run as the template that runs their
image (or the one `map` names), `bridge` as a Linux bridge switch, `ovs-bridge` as an OVS switch;
`binds` become node files read from the folder uploaded with the topology (a `.tar.gz`), `exec`
startup lines, `env` the environment, `cmd` the start command, the labels `graph-posX`/`graph-posY`
the position. Interface names are kept (containerlab's data ports start at eth1, which webgns
nodes have too; a node gets as many adapters as its highest port needs). Every node and link is
reported with an action and a reason before anything is made (`plan`), so a dry run and a refusal
say the same thing.

Out: a file containerlab deploys: every container node `network-mode: none` (webgns ports start
at eth0, which containerlab would otherwise take for management), files as binds beside it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from rest_framework import serializers

from webgns.labs import topology
from webgns.labs.choices import NodeKind
from webgns.labs.models import Project
from webgns.labs.topology_images import TemplateChooser
from webgns.labs.topology_yaml import dump
from webgns.labs.validators import NAME_RE, usable_project_name

# containerlab switch kind → the built-in template that plays it here, and back by node kind.
SWITCH_KINDS = {"bridge": "bridge", "ovs-bridge": "ovs"}
CLAB_SWITCH_OF = {NodeKind.BRIDGE: "bridge", NodeKind.OVS: "ovs-bridge"}
CONTAINER_KINDS = {"linux"}
SPECIAL_ENDPOINTS = {"host", "mgmt-net", "macvlan", "vxlan", "vxlan-stitch", "dummy"}
PORT_RE = re.compile(r"eth(\d+)")
MAX_ADAPTERS = 64
MERGED_KEYS = ("kind", "image", "binds", "exec", "env", "cmd", "labels", "group")
KIND_CREATE, KIND_SKIP, KIND_REFUSE = "create", "skip", "unsupported"


def _fail(path: str, message: str) -> None:
    raise serializers.ValidationError({path: [message]})


def looks_like(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("topology"), dict) and "nodes" in data["topology"]


@dataclass
class Plan:
    """What an import would make: the JSON document plus a row per node and link saying why."""

    document: dict
    nodes: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)

    @property
    def refused(self) -> list[dict]:
        return [row for row in self.nodes + self.links if row["action"] == KIND_REFUSE]

    def report(self) -> dict:
        return {"nodes": self.nodes, "links": self.links}


def _valid_name(name: str, taken: set[str]) -> str:
    """A node name webgns accepts, made from containerlab's (which allows '_' and '.')."""
    base = re.sub(r"[^A-Za-z0-9-]", "-", name)
    if not base[:1].isalpha():
        base = f"n-{base}"
    base = base[:32].rstrip("-") or "node"
    candidate, i = base, 2
    while candidate in taken or not NAME_RE.fullmatch(candidate):
        suffix = f"-{i}"
        candidate, i = base[: 32 - len(suffix)] + suffix, i + 1
    return candidate


def _merged(node: dict, topo: dict, path: str) -> dict:
    defaults = topo.get("defaults") or {}
    kinds = topo.get("kinds") or {}
    groups = topo.get("groups") or {}
    for name, value in (("defaults", defaults), ("kinds", kinds), ("groups", groups)):
        if not isinstance(value, dict):
            _fail(f"topology.{name}", "Must be a mapping.")
    kind = node.get("kind", defaults.get("kind"))
    group = node.get("group", defaults.get("group"))
    layers = [defaults, kinds.get(kind) or {}, groups.get(group) or {} if group else {}, node]
    out: dict = {}
    for layer in layers:
        if not isinstance(layer, dict):
            _fail(path, "Kinds, groups and nodes must be mappings.")
        for key, value in layer.items():
            if key in ("env", "labels") and isinstance(value, dict):
                out[key] = {**out.get(key, {}), **value}
            elif key in ("binds", "exec") and isinstance(value, list):
                out[key] = out.get(key, []) + value
            else:
                out[key] = value
    return out


def _files(binds: object, path: str, folder: dict[str, bytes] | None, base: str) -> tuple[dict[str, str], list[str]]:
    """Node files from binds 'src:dst[:mode]' whose source came with the topology; notes on the others."""
    if not isinstance(binds, list):
        _fail(path, "Must be a list of 'source:destination' strings.")
    files: dict[str, str] = {}
    notes: list[str] = []
    for i, bind in enumerate(binds):
        where = f"{path}[{i}]"
        parts = bind.split(":") if isinstance(bind, str) else []
        if len(parts) not in (2, 3) or not parts[0] or not parts[1].startswith("/"):
            _fail(where, "Must be 'source:/destination' or 'source:/destination:mode'.")
        source, destination = parts[0], parts[1]
        if source.startswith("/") or source.startswith("~"):
            notes.append(f"bind {source} (a path on containerlab's host) left out")
            continue
        name = posixpath.normpath(posixpath.join(base, source.removeprefix("./")))
        if name.startswith(".."):
            _fail(where, f"{source!r} leaves the topology's folder.")
        within = {n: data for n, data in (folder or {}).items() if n == name or n.startswith(name + "/")}
        if not within:
            _fail(where, f"{source!r} is not among the files uploaded with the topology (send the folder as .tar.gz).")
        for member, data in sorted(within.items()):
            target = destination if member == name else posixpath.join(destination, member[len(name) + 1:])
            try:
                files[target] = data.decode()
            except UnicodeDecodeError:
                _fail(where, f"{member!r} is not UTF-8 text; webgns node files are text.")
    return files, notes


def _endpoints(raw: object, path: str) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        _fail(path, "Must be a mapping.")
    ends = raw.get("endpoints")
    if ends is None and "endpoint" in raw:  # extended single-ended forms (host, mgmt-net, macvlan)
        ends = [raw["endpoint"]]
    if not isinstance(ends, list) or not ends:
        _fail(f"{path}.endpoints", "Must be a list of endpoints.")
    out = []
    for j, end in enumerate(ends):
        if isinstance(end, str) and ":" in end:
            node, _, port = end.partition(":")
        elif isinstance(end, dict) and isinstance(end.get("node"), str) and isinstance(end.get("interface"), str):
            node, port = end["node"], end["interface"]
        else:
            _fail(f"{path}.endpoints[{j}]", 'Must be "node:interface" or {node, interface}.')
        out.append((node, port))
    return out


def plan(data: object, chooser: TemplateChooser, folder: dict[str, bytes] | None = None, base: str = "",
         skip_unsupported: bool = False, name: str | None = None) -> Plan:
    """A containerlab topology → the JSON document and what happens to each node and link."""
    if not looks_like(data):
        _fail("topology", "A containerlab file has a 'topology' mapping with 'nodes'.")
    topo = data["topology"]
    raw_nodes = topo.get("nodes") or {}
    if not isinstance(raw_nodes, dict):
        _fail("topology.nodes", "Must be a mapping of node name to node.")
    lab_name = usable_project_name(name or data.get("name") or "containerlab")
    result = Plan(document={"format": topology.FORMAT, "version": topology.VERSION, "name": lab_name,
                            "nodes": [], "links": []})
    taken: set[str] = set()
    names: dict[str, str] = {}
    made: dict[str, dict] = {}
    for clab_name, raw in raw_nodes.items():
        path = f"topology.nodes.{clab_name}"
        node = _merged(raw or {}, topo, path)
        kind = node.get("kind") or "linux"
        new_name = _valid_name(str(clab_name), taken)
        taken.add(new_name)
        names[str(clab_name)] = new_name
        notes = [] if new_name == clab_name else [f"renamed from {clab_name!r}"]
        image = node.get("image")
        if image is not None and not isinstance(image, str):
            _fail(f"{path}.image", "Must be a string.")
        if kind in SWITCH_KINDS:
            template = chooser.templates.get(SWITCH_KINDS[kind])
            why = f"{kind} → template {SWITCH_KINDS[kind]!r}" if template else f"this server has no {kind} template"
        elif kind in CONTAINER_KINDS:
            template, why = chooser.choose(image, kind)
        else:
            template, why = chooser.choose(image, kind)
            if template is None:
                why = f"kind {kind!r} is not supported here (linux, bridge, ovs-bridge are); " + why
        row = {"name": new_name, "kind": kind, "image": image or "", "template": template.name if template else ""}
        if template is None:
            row.update(action=KIND_SKIP if skip_unsupported else KIND_REFUSE, reason="; ".join(notes + [why]))
            result.nodes.append(row)
            continue
        files, bind_notes = _files(node.get("binds", []), f"{path}.binds", folder, base)
        labels = node.get("labels") or {}
        document_node: dict = {"name": new_name, "template": template.name, "files": files}
        if template.kind == NodeKind.DOCKER:
            env = node.get("env") or {}
            if not isinstance(env, dict):
                _fail(f"{path}.env", "Must be a mapping.")
            if env:
                document_node["environment"] = {**template.environment, **{str(k): str(v) for k, v in env.items()}}
            if node.get("cmd"):
                if not isinstance(node["cmd"], str):
                    _fail(f"{path}.cmd", "Must be a string.")
                document_node["start_command"] = node["cmd"]
            lines = node.get("exec") or []
            if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
                _fail(f"{path}.exec", "Must be a list of commands.")
            document_node["startup"] = lines
        for axis, label in (("x", "graph-posX"), ("y", "graph-posY")):
            if label in labels:
                try:
                    document_node[axis] = float(labels[label])
                except (TypeError, ValueError):
                    _fail(f"{path}.labels.{label}", "Must be a number.")
        row.update(action=KIND_CREATE, reason="; ".join(notes + [why] + bind_notes))
        result.nodes.append(row)
        made[str(clab_name)] = document_node
        result.document["nodes"].append(document_node)
    ports: dict[str, dict[str, str]] = {n: {} for n in made}
    raw_links = topo.get("links") or []
    if not isinstance(raw_links, list):
        _fail("topology.links", "Must be a list.")
    for i, raw in enumerate(raw_links):
        path = f"topology.links[{i}]"
        ends = _endpoints(raw, path)
        shown = [f"{n}:{p}" for n, p in ends]
        link_type = raw.get("type", "veth")
        special = [n for n, _ in ends if n in SPECIAL_ENDPOINTS]
        if link_type != "veth" or len(ends) != 2 or special:
            reason = f"link type {link_type!r} / endpoint {special[0] if special else shown} has no webgns equivalent"
            result.links.append({"endpoints": shown, "action": KIND_SKIP if skip_unsupported else KIND_REFUSE,
                                 "reason": reason})
            continue
        unknown = [n for n, _ in ends if n not in names]
        if unknown:
            _fail(f"{path}.endpoints", f"Node {unknown[0]!r} is not in topology.nodes.")
        missing = [names[n] for n, _ in ends if n not in made]
        if missing:
            result.links.append({"endpoints": shown, "action": KIND_SKIP, "reason": f"node {missing[0]} is not made"})
            continue
        sides = []
        notes = []
        for node_name, port in ends:
            used = ports[node_name]
            if port in used:
                _fail(f"{path}.endpoints", f"{node_name}:{port} is already in a link.")
            if PORT_RE.fullmatch(port):
                ours = port
            else:  # a switch port named otherwise (e.g. "e1"): the next free ethN
                taken_numbers = {int(m.group(1)) for m in map(PORT_RE.fullmatch, used.values()) if m}
                ours = f"eth{next(n for n in range(1, MAX_ADAPTERS + 1) if n not in taken_numbers)}"
                notes.append(f"{node_name}:{port} is {names[node_name]}:{ours}")
            used[port] = ours
            sides.append({"node": names[node_name], "port": ours})
        result.document["links"].append({"a": sides[0], "b": sides[1]})
        result.links.append({"endpoints": shown, "action": KIND_CREATE, "reason": "; ".join(notes) or "veth"})
    for clab_name, document_node in made.items():
        highest = max((int(PORT_RE.fullmatch(p).group(1)) for p in ports[clab_name].values()), default=0)
        template = chooser.templates[document_node["template"]]
        document_node["adapters"] = max(template.adapters, highest + 1)
    return result


def from_project(project: Project) -> tuple[str, dict[str, str]]:
    """The project as a containerlab topology, and the files its binds name (path → text)."""
    document = topology.export_project(project)
    nodes = {n.name: n for n in project.nodes.select_related("template")}
    clab_nodes: dict[str, dict] = {}
    files: dict[str, str] = {}
    for raw in document["nodes"]:
        node = nodes[raw["name"]]
        out: dict = {}
        if node.kind in CLAB_SWITCH_OF:
            out["kind"] = CLAB_SWITCH_OF[node.kind]
        else:
            out.update(kind="linux", image=node.template.image)
            out["network-mode"] = "none"
            if node.environment:
                out["env"] = dict(node.environment)
            if node.start_command:
                out["cmd"] = node.start_command
            binds = []
            for path, text in sorted(node.effective_files.items()):
                local = f"{node.name}{path}"
                files[local] = text
                binds.append(f"{local}:{path}")
            if binds:
                out["binds"] = binds
            if node.startup_lines:
                out["exec"] = node.startup_lines
        out["labels"] = {"graph-posX": str(int(node.x)), "graph-posY": str(int(node.y))}
        clab_nodes[node.name] = out
    links = [{"endpoints": [f"{lk['a']['node']}:{lk['a']['port']}", f"{lk['b']['node']}:{lk['b']['port']}"]}
             for lk in document["links"]]
    name = re.sub(r"[^A-Za-z0-9_-]", "-", project.name).strip("-") or "lab"
    return dump({"name": name, "topology": {"nodes": clab_nodes, "links": links}}), files
