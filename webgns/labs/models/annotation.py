"""Annotations: text notes, rectangles and ellipses drawn behind a project's lab on the canvas.

They are part of the project (exported, imported, copied into students' copies) but never reach a
host: workers ignore them. `style` holds how one looks (colours, font size) as a small JSON object
whose keys the serializer checks; `z` orders annotations among themselves, all below the nodes.
"""

import uuid

from django.db import models

from webgns.labs.choices import AnnotationKind


class Annotation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("labs.Project", on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=16, choices=AnnotationKind.choices)
    text = models.TextField(blank=True)
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    width = models.FloatField(default=160)
    height = models.FloatField(default=80)
    style = models.JSONField(default=dict, blank=True)
    z = models.IntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["z", "created"]

    def __str__(self) -> str:
        return f"{self.kind} {self.text[:20]}".strip()
