"""Translate model rows into the engine's frozen specs, and specs to/from JSON for Celery messages.

Deletions carry their specs in the message: by the time the worker runs, the rows are gone.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict

from django.conf import settings

from webgns.compute.specs import Endpoint, Impairment, LinkSpec, LinkTunnel, NodeSpec
from webgns.labs.models import ComputeHost, Link, Node


def node_spec(node: Node) -> NodeSpec:
    template = node.template
    return NodeSpec(
        id=str(node.id),
        project_id=str(node.project_id),
        name=node.name,
        kind=node.kind,
        image=template.image,
        ports=tuple(node.port_names),
        start_command=node.start_command,
        environment=dict(node.environment),
        # The node's own, else its template's; neither set: the server's default; 0 (staff only): no limit.
        cpus=settings.WEBGNS_NODE_CPUS if node.effective_cpus is None else (node.effective_cpus or None),
        memory_mb=node.memory_limit_mb,
        startup=tuple(node.startup_lines),
        openflow_controller=node.openflow_controller,
        files=node.effective_files,
        sysctls={**template.sysctls, **node.sysctls},
        capabilities=tuple(template.capabilities),
        vlans=dict(node.vlans),
        compute_host=node.compute_host,
    )


def underlay_address(host: str) -> str:
    """The underlay address a host's worker reported ("" when it has none)."""
    caps = ComputeHost.objects.filter(name=host).values_list("capabilities", flat=True).first() or {}
    return str(caps.get("underlay_address") or "")


def link_spec(link: Link, hosts: Mapping[str, str] | None = None) -> LinkSpec:
    """`hosts` (node id -> compute host) tells a link between two hosts from a local one, and gives
    it its VNI if it has none yet; without it, the link's recorded VNI decides."""
    tunnel = None
    a_id, b_id = str(link.a_node_id), str(link.b_node_id)
    if hosts is not None and hosts.get(a_id, "") != hosts.get(b_id, "") or hosts is None and link.vni is not None:
        if hosts is None:
            hosts = {str(k): v for k, v in Node.objects.filter(pk__in=[a_id, b_id]).values_list("id", "compute_host")}
        a_host, b_host = hosts.get(a_id, ""), hosts.get(b_id, "")
        if link.vni is None and a_host != b_host:
            from webgns.labs.vnis import sync_vni

            sync_vni(link, (a_host, b_host))
        if a_host != b_host:
            tunnel = LinkTunnel(link.vni, underlay_address(a_host), underlay_address(b_host))
    elif hosts is not None and link.vni is not None:  # its nodes share a host now: no tunnel
        from webgns.labs.vnis import sync_vni

        sync_vni(link, (hosts.get(a_id, ""), hosts.get(b_id, "")))
    return LinkSpec(
        id=str(link.id),
        project_id=str(link.project_id),
        a=Endpoint(a_id, link.a_port),
        b=Endpoint(b_id, link.b_port),
        a_to_b=Impairment.from_dict(link.impairment.get("a_to_b")),
        b_to_a=Impairment.from_dict(link.impairment.get("b_to_a")),
        tunnel=tunnel,
    )


def node_spec_dict(node: Node) -> dict:
    return asdict(node_spec(node))


def node_spec_dicts(nodes: Iterable[Node]) -> list[dict]:
    return [node_spec_dict(n) for n in nodes]


def link_spec_dict(link: Link) -> dict:
    return asdict(link_spec(link))


def node_spec_from_dict(data: dict) -> NodeSpec:
    return NodeSpec(**{
        **data,
        "files": dict(data.get("files") or {}),
        "sysctls": dict(data.get("sysctls") or {}),
        "ports": tuple(data["ports"]),
        "startup": tuple(data["startup"]),
        "capabilities": tuple(data.get("capabilities") or ()),
    })


def link_spec_from_dict(data: dict) -> LinkSpec:
    return LinkSpec(
        id=data["id"],
        project_id=data["project_id"],
        a=Endpoint(**data["a"]),
        b=Endpoint(**data["b"]),
        a_to_b=Impairment(**data["a_to_b"]),
        b_to_a=Impairment(**data["b_to_a"]),
        tunnel=LinkTunnel(**data["tunnel"]) if data.get("tunnel") else None,
    )
