"""GNS3 projects (`.gns3`, the JSON inside a `.gns3project`) in, through the JSON document of `topology`.

Docker nodes run as the template that runs their image (or the one `map` names); an Ethernet
switch becomes a Linux bridge switch whose ports keep their VLANs (access → `access`, dot1q →
`trunk` of every VLAN the switch uses); an Ethernet hub a bridge switch without VLANs. QEMU,
Dynamips, IOU, VPCS, clouds and NAT have no equivalent here: each is listed with its reason and
refused, skipped (`skip_unsupported`) or run as the template `map` names for its type ("vpcs").
A link end's adapter/port becomes ethN (switches and hubs: the port number; other nodes: the
adapter number, or adapter × 16 + port when the adapter has several ports); a link's filters
become impairments in both directions; drawings become text, rectangle and ellipse annotations.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from rest_framework import serializers

from webgns.labs import topology
from webgns.labs.topology_clab import KIND_CREATE, KIND_REFUSE, KIND_SKIP, Plan, _valid_name
from webgns.labs.topology_images import TemplateChooser
from webgns.labs.validators import usable_project_name

# GNS3 node types (its own names) and what plays them here.
DOCKER, ETHERNET_SWITCH, VPCS = "docker", "ethernet_switch", "vpcs"
SWITCHES = {ETHERNET_SWITCH: "bridge", "ethernet_hub": "bridge"}
MAX_SVG = 20000
MAX_ADAPTERS = 64


def looks_like(data: object) -> bool:
    return isinstance(data, dict) and data.get("type") == "topology" and isinstance(data.get("topology"), dict)


def _fail(path: str, message: str) -> None:
    raise serializers.ValidationError({path: [message]})


def _environment(text: object) -> dict[str, str]:
    # GNS3 keeps a Docker node's environment as "KEY=value" lines.
    out = {}
    for line in (text or "").splitlines() if isinstance(text, str) else []:
        key, sep, value = line.partition("=")
        if sep and key.strip():
            out[key.strip()] = value
    return out


def _port(node_type: str, adapter: int, port: int) -> str:
    if node_type in SWITCHES or node_type == VPCS:
        return f"eth{port}"
    return f"eth{adapter if port == 0 else adapter * 16 + port}"


def _impairment(filters: object) -> dict:
    if not isinstance(filters, dict):
        return {}
    both: dict = {}
    delay = filters.get("delay") or []
    if delay and delay[0]:
        both["delay_ms"] = delay[0]
        if len(delay) > 1 and delay[1]:
            both["jitter_ms"] = delay[1]
    if (filters.get("packet_loss") or [0])[0]:
        both["loss_pct"] = filters["packet_loss"][0]
    if (filters.get("corrupt") or [0])[0]:
        both["corrupt_pct"] = filters["corrupt"][0]
    return {"a_to_b": dict(both), "b_to_a": dict(both)} if both else {}


def _annotation(drawing: dict) -> dict | None:
    svg = drawing.get("svg")
    if not isinstance(svg, str) or len(svg) > MAX_SVG:
        return None
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError:
        return None
    shapes = {re.sub(r"^\{.*\}", "", child.tag): child for child in root}
    base = {"x": float(drawing.get("x", 0)), "y": float(drawing.get("y", 0)),
            "z": max(-1000, min(1000, int(drawing.get("z", 0) or 0)))}

    def size(name: str) -> float:
        try:
            return max(4.0, min(1e5, float(root.get(name, 40))))
        except ValueError:
            return 40.0

    if "text" in shapes:
        return {"kind": "text", "text": ("".join(shapes["text"].itertext()))[:4096], **base}
    for shape, kind in (("rect", "rect"), ("ellipse", "ellipse")):
        if shape in shapes:
            return {"kind": kind, "text": "", "width": size("width"), "height": size("height"), **base}
    return None


def plan(data: object, chooser: TemplateChooser, skip_unsupported: bool = False, name: str | None = None) -> Plan:
    if not looks_like(data):
        _fail("topology", 'A GNS3 project has "type": "topology" and a "topology" object.')
    topo = data["topology"]
    lab_name = usable_project_name(name or data.get("name") or "gns3")
    result = Plan(document={"format": topology.FORMAT, "version": topology.VERSION, "name": lab_name,
                            "nodes": [], "links": [], "annotations": []})
    raw_nodes = topo.get("nodes") or []
    if not isinstance(raw_nodes, list):
        _fail("topology.nodes", "Must be a list.")
    taken: set[str] = set()
    made: dict[str, dict] = {}
    types: dict[str, str] = {}
    names: dict[str, str] = {}
    switch_vlans: dict[str, dict[int, dict]] = {}
    for i, raw in enumerate(raw_nodes):
        path = f"topology.nodes[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("node_id"), str):
            _fail(path, "Must be an object with a node_id.")
        node_type = str(raw.get("node_type", ""))
        properties = raw.get("properties") or {}
        new_name = _valid_name(str(raw.get("name") or node_type or "node"), taken)
        taken.add(new_name)
        names[raw["node_id"]], types[raw["node_id"]] = new_name, node_type
        notes = [] if new_name == raw.get("name") else [f"renamed from {raw.get('name')!r}"]
        image = properties.get("image") if node_type == DOCKER else None
        if node_type in SWITCHES:
            template = chooser.templates.get(SWITCHES[node_type])
            why = f"{node_type} → template {SWITCHES[node_type]!r}"
        elif node_type == DOCKER:
            template, why = chooser.choose(image if isinstance(image, str) else None, node_type)
        else:
            template, why = chooser.choose(None, node_type)
            if template is None:
                why = (f"{node_type} nodes do not run here (Docker, Ethernet switch and hub do); "
                       "map the type to a template")
        row = {"name": new_name, "kind": node_type, "image": image or "",
               "template": template.name if template else ""}
        if template is None:
            row.update(action=KIND_SKIP if skip_unsupported else KIND_REFUSE, reason="; ".join(notes + [why]))
            result.nodes.append(row)
            continue
        node: dict = {"name": new_name, "template": template.name, "x": float(raw.get("x", 0) or 0),
                      "y": float(raw.get("y", 0) or 0)}
        if node_type == DOCKER:
            env = _environment(properties.get("environment"))
            if env:
                node["environment"] = {**template.environment, **env}
            if isinstance(properties.get("start_command"), str) and properties["start_command"]:
                node["start_command"] = properties["start_command"]
        if node_type == ETHERNET_SWITCH:
            switch_vlans[raw["node_id"]] = {
                int(p.get("port_number", 0)): p for p in properties.get("ports_mapping") or [] if isinstance(p, dict)}
        row.update(action=KIND_CREATE, reason="; ".join(notes + [why]))
        result.nodes.append(row)
        made[raw["node_id"]] = node
        result.document["nodes"].append(node)

    used: dict[str, set[str]] = {node_id: set() for node_id in made}
    raw_links = topo.get("links") or []
    if not isinstance(raw_links, list):
        _fail("topology.links", "Must be a list.")
    for i, raw in enumerate(raw_links):
        path = f"topology.links[{i}]"
        ends = raw.get("nodes") if isinstance(raw, dict) else None
        if not isinstance(ends, list) or len(ends) != 2 or not all(isinstance(e, dict) for e in ends):
            _fail(f"{path}.nodes", "Must be a list of two ends.")
        sides = []
        for j, end in enumerate(ends):
            node_id = end.get("node_id")
            if node_id not in names:
                _fail(f"{path}.nodes[{j}].node_id", "Names no node of this project.")
            try:
                port = _port(types[node_id], int(end.get("adapter_number", 0)), int(end.get("port_number", 0)))
            except (TypeError, ValueError):
                _fail(f"{path}.nodes[{j}]", "adapter_number and port_number must be integers.")
            sides.append((node_id, port, int(end.get("port_number", 0))))
        shown = [f"{names[n]}:{p}" for n, p, _ in sides]
        missing = [names[n] for n, _, _ in sides if n not in made]
        if missing:
            result.links.append({"endpoints": shown, "action": KIND_SKIP, "reason": f"node {missing[0]} is not made"})
            continue
        for node_id, port, _ in sides:
            if port in used[node_id]:
                _fail(f"{path}.nodes", f"{names[node_id]}:{port} is already in a link.")
            used[node_id].add(port)
        link = {"a": {"node": names[sides[0][0]], "port": sides[0][1]},
                "b": {"node": names[sides[1][0]], "port": sides[1][1]}}
        impairment = _impairment(raw.get("filters"))
        if impairment:
            link["impairment"] = impairment
        result.document["links"].append(link)
        result.links.append({"endpoints": shown, "action": KIND_CREATE,
                             "reason": "filters → impairment" if impairment else "veth"})
        for node_id, port, number in sides:
            if node_id in switch_vlans and number in switch_vlans[node_id]:
                mapping = switch_vlans[node_id][number]
                vlans = made[node_id].setdefault("vlans", {})
                carried = sorted({int(p.get("vlan", 1)) for p in switch_vlans[node_id].values()
                                  if p.get("type") == "access"})
                if mapping.get("type") == "dot1q" and carried:
                    vlans[port] = {"trunk": carried}
                elif int(mapping.get("vlan", 1) or 1) != 1:
                    vlans[port] = {"access": int(mapping["vlan"])}
    for node_id, node in made.items():
        template = chooser.templates[node["template"]]
        highest = max((int(p[3:]) for p in used[node_id]), default=0)
        node["adapters"] = min(MAX_ADAPTERS, max(template.adapters, highest + 1))
    for drawing in topo.get("drawings") or []:
        annotation = _annotation(drawing) if isinstance(drawing, dict) else None
        if annotation is not None:
            result.document["annotations"].append(annotation)
    return result
