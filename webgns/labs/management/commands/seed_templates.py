"""Create or refresh the built-in templates (idempotent: `make run` calls it every time).

Every built-in template has CPU and memory limits (a node never runs unlimited unless staff make
a template so). The FRR template's default files are the image recipe's own (`images/frr/`), so
the image and the template cannot drift apart.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from webgns.contract.node_readiness import READY_FILE
from webgns.labs.choices import NodeKind, NodeRole
from webgns.labs.models import Template

BUSYBOX_IMAGE = "webgns/busybox:latest"
HOST_IMAGE = "webgns/host:latest"
FRR_IMAGE = "webgns/frr:latest"
# A router forwards (IPv4 and IPv6) and answers every traceroute probe (no ICMP rate limit); nodes
# cannot write /proc/sys themselves (it is read-only inside a container).
ROUTER_SYSCTLS = {"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1", "net.ipv4.icmp_ratelimit": "0"}
# A lab host answers every traceroute probe too (port unreachable is rate-limited by default).
HOST_SYSCTLS = {"net.ipv4.icmp_ratelimit": "0"}
FRR_RECIPE = Path(__file__).resolve().parents[4] / "images" / "frr"
# Files of built-in templates that are not part of an image.
TEMPLATE_FILES = Path(__file__).resolve().parents[2] / "template_files"


def frr_files() -> dict[str, str]:
    return {
        "/etc/frr/daemons": (FRR_RECIPE / "daemons").read_text(),
        "/etc/frr/frr.conf": (FRR_RECIPE / "frr.conf").read_text(),
        # Says when FRR has finished starting (the warm pool freezes a copy only then).
        READY_FILE: (TEMPLATE_FILES / "frr-ready").read_text(),
    }


def builtin_templates() -> list[dict]:
    return [
        {"name": "busybox", "kind": NodeKind.DOCKER, "role": NodeRole.HOST, "image": BUSYBOX_IMAGE,
         "adapters": 4, "cpus": 0.5, "memory_mb": 64},
        {"name": "host", "kind": NodeKind.DOCKER, "role": NodeRole.HOST, "image": HOST_IMAGE,
         "adapters": 4, "cpus": 1.0, "memory_mb": 256, "sysctls": HOST_SYSCTLS},
        {"name": "frr", "kind": NodeKind.DOCKER, "role": NodeRole.ROUTER, "image": FRR_IMAGE,
         "adapters": 8, "cpus": 1.0, "memory_mb": 512, "files": frr_files(), "console_shell": "vtysh",
         "sysctls": ROUTER_SYSCTLS, "capabilities": ["SYS_ADMIN"]},
        {"name": "bridge", "kind": NodeKind.BRIDGE, "role": NodeRole.SWITCH, "image": BUSYBOX_IMAGE,
         "adapters": 8, "cpus": 0.5, "memory_mb": 64},
        # Not a container: an OVS bridge on the host, whose CPU and memory are ovs-vswitchd's.
        {"name": "ovs", "kind": NodeKind.OVS, "role": NodeRole.SWITCH, "image": "", "adapters": 8,
         "cpus": None, "memory_mb": None},
    ]


class Command(BaseCommand):
    help = "Create or refresh the built-in templates."

    def handle(self, *args, **options) -> None:
        templates = builtin_templates()
        for fields in templates:
            name = fields["name"]
            Template.objects.update_or_create(name=name, owner=None, defaults={**fields, "builtin": True})
        self.stdout.write(f"built-in templates: {', '.join(t['name'] for t in templates)}")
