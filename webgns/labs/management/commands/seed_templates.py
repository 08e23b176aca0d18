"""Create or refresh the built-in templates (idempotent: `make run` calls it every time)."""

from django.core.management.base import BaseCommand

from webgns.labs.choices import NodeKind
from webgns.labs.models import Template

BUSYBOX_IMAGE = "webgns/busybox:latest"
BUILTIN = [
    {"name": "busybox", "kind": NodeKind.DOCKER, "image": BUSYBOX_IMAGE, "adapters": 4},
    {"name": "bridge", "kind": NodeKind.BRIDGE, "image": BUSYBOX_IMAGE, "adapters": 8},
    {"name": "ovs", "kind": NodeKind.OVS, "image": "", "adapters": 8},
]


class Command(BaseCommand):
    help = "Create or refresh the built-in templates."

    def handle(self, *args, **options) -> None:
        for fields in BUILTIN:
            name = fields["name"]
            Template.objects.update_or_create(name=name, owner=None, defaults={**fields, "builtin": True})
        self.stdout.write(f"built-in templates: {', '.join(t['name'] for t in BUILTIN)}")
