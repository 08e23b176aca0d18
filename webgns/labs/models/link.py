"""Links: two (node, port) endpoints and per-direction impairments.

`impairment` is stored normalised as {"a_to_b": {...}, "b_to_a": {...}} holding only the fields
that are set; `webgns.labs.impairments` converts API input into that shape.
"""

import uuid

from django.db import models
from django.utils import timezone

from webgns.labs.choices import LinkStatus


def empty_impairment() -> dict:
    return {"a_to_b": {}, "b_to_a": {}}


class Link(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("labs.Project", on_delete=models.CASCADE, related_name="links")
    a_node = models.ForeignKey("labs.Node", on_delete=models.CASCADE, related_name="+")
    a_port = models.CharField(max_length=15)
    b_node = models.ForeignKey("labs.Node", on_delete=models.CASCADE, related_name="+")
    b_port = models.CharField(max_length=15)
    impairment = models.JSONField(default=empty_impairment)
    status = models.CharField(max_length=16, choices=LinkStatus.choices, default=LinkStatus.DOWN)
    error = models.TextField(blank=True)
    # Between nodes on two compute hosts: the VXLAN network id of the tunnel (webgns.labs.vnis);
    # null for a link within one host.
    vni = models.PositiveIntegerField(null=True, blank=True, unique=True)
    # Between two hosts each host makes its own end: {"a": {"status", "error"}, "b": {...}}; the
    # link is up when both are (webgns.tasks.status.save_link_state).
    ends = models.JSONField(default=dict, blank=True)
    # A default rather than auto_now_add: a bulk import sets increasing values to keep its order.
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created"]
        # The serializer checks both sides against each other; these catch a race on one side.
        constraints = [
            models.UniqueConstraint(fields=["a_node", "a_port"], name="link_a_port_unique"),
            models.UniqueConstraint(fields=["b_node", "b_port"], name="link_b_port_unique"),
        ]

    def endpoints(self) -> list[tuple]:
        return [(self.a_node_id, self.a_port), (self.b_node_id, self.b_port)]
