"""Which template a foreign node runs as: the user's `map` first, then a template with its image.

A map is {"glob": "template"}; each glob is tried on the image as written, on the image without
its registry, and on the node's type (a containerlab kind, a GNS3 node type), so
{"frrouting/frr*": "frr", "vpcs": "busybox"} both work. Without a matching glob, a template of
this server whose image is the same reference (tag and default registry aside) is used.
"""

from __future__ import annotations

import fnmatch
import json

from rest_framework import serializers

from webgns import image_reference
from webgns.labs.choices import NodeKind
from webgns.labs.models import Template

MAX_MAP = 200


def parse_map(value: object, field: str = "map") -> dict[str, str]:
    """The `map` of a request (a JSON object, or its text from a query or form field)."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise serializers.ValidationError({field: [f"Must be a JSON object: {error}"]}) from error
    if not isinstance(value, dict) or len(value) > MAX_MAP or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise serializers.ValidationError({field: [f"Must be an object of glob → template name (at most {MAX_MAP})."]})
    return value


def _bare(image: str) -> str:
    """The image without registry and tag: docker.io/frrouting/frr:v8 → frrouting/frr."""
    try:
        reference = image_reference.parse(image)
    except image_reference.InvalidReference:
        return image
    return getattr(reference, "repository", None) or image.split("@")[0].rsplit(":", 1)[0]


def _without_registry(image: str) -> str:
    first, _, rest = image.partition("/")
    return rest if rest and ("." in first or ":" in first or first == "localhost") else image


class TemplateChooser:
    """Resolves images (and node types) to templates for one import; remembers nothing else."""

    def __init__(self, templates: dict[str, Template], mapping: dict[str, str]) -> None:
        self.templates = templates
        self.mapping = mapping
        self.by_image: dict[str, Template] = {}
        for template in templates.values():
            # Only container templates run an image: a bridge switch's helper image is not its identity.
            if template.image and template.kind == NodeKind.DOCKER:
                self.by_image.setdefault(_strip_library(_bare(template.image)), template)

    def choose(self, image: str | None, node_type: str | None = None) -> tuple[Template | None, str]:
        """(template, why) — template None when nothing here runs it, `why` saying so."""
        candidates = [c for c in (image, _without_registry(image) if image else None, node_type) if c]
        for glob, name in self.mapping.items():
            if any(fnmatch.fnmatchcase(c, glob) for c in candidates):
                template = self.templates.get(name)
                if template is None:
                    return None, f"map {glob!r} names template {name!r}, which this server lacks"
                return template, f"mapped by {glob!r}"
        if image:
            found = self.by_image.get(_strip_library(_bare(image)))
            if found is not None:
                return found, f"template {found.name!r} runs {found.image}"
            return None, f"no template here runs image {image!r}; map it to one (map={{\"{image}\": \"<template>\"}})"
        return None, f"node type {node_type!r} has no template here; map it to one"


def _strip_library(repository: str) -> str:
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if repository.startswith(prefix):
            return repository[len(prefix):]
    return repository
