"""VXLAN network ids for links between compute hosts: one per link, unique across every project.

Division of labour: a link whose two nodes are on different hosts needs a VNI (its tunnel's id);
this module gives it one (at link creation, when a node moves, and lazily when a worker builds the
link's spec) and takes it back when the link's nodes share a host. Uniqueness is the database's
(a unique column): a random pick in the range, retried when another link took it meanwhile.
"""

from __future__ import annotations

import random

from django.db import IntegrityError, transaction
from django.db.models import Q

from webgns.labs.models import Link, Node

# The engine's range (webgns.compute.vxlan_links): below 4096 stays free for people's own VXLAN labs.
VNI_MIN, VNI_MAX = 4096, 16_777_215
ATTEMPTS = 20


class NoFreeVni(RuntimeError):
    """No VNI could be taken (the range is nearly full, or the database refused every pick)."""


def _hosts(link: Link) -> tuple[str, str]:
    hosts = dict(Node.objects.filter(pk__in=[link.a_node_id, link.b_node_id]).values_list("id", "compute_host"))
    return hosts.get(link.a_node_id, ""), hosts.get(link.b_node_id, "")


def sync_vni(link: Link, hosts: tuple[str, str] | None = None) -> int | None:
    """Give `link` a VNI if its nodes are on two hosts, clear it if on one; returns the VNI (or None)."""
    a_host, b_host = hosts if hosts is not None else _hosts(link)
    if a_host == b_host:
        if link.vni is not None:
            Link.objects.filter(pk=link.pk).update(vni=None)
            link.vni = None
        return None
    if link.vni is not None:
        return link.vni
    for _ in range(ATTEMPTS):
        candidate = random.randint(VNI_MIN, VNI_MAX)  # noqa: S311 — an id, not a secret
        try:
            with transaction.atomic():
                taken = Link.objects.filter(pk=link.pk, vni__isnull=True).update(vni=candidate)
        except IntegrityError:
            continue  # another link has it: pick again
        if not taken:  # someone gave it one meanwhile: use theirs
            link.vni = Link.objects.filter(pk=link.pk).values_list("vni", flat=True).first()
            return link.vni
        link.vni = candidate
        return candidate
    raise NoFreeVni(f"no free VNI for link {link.pk} after {ATTEMPTS} attempts")


def sync_vnis_of_node(node: Node) -> None:
    """After `node` moved to another host: each of its links gets or loses its VNI."""
    for link in Link.objects.filter(Q(a_node=node) | Q(b_node=node)):
        sync_vni(link)
