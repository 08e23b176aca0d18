"""The REST side of topology files: export in a chosen format, import of any format, apply, the schema.

Kept beside `views` so the project views stay about projects; these read and write documents
through `webgns.labs.topology_formats` and converge projects through `webgns.labs.topology_apply`.
"""

from __future__ import annotations

import io
import tarfile

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from webgns.labs import limits, topology, topology_apply, topology_clab, topology_formats, topology_yaml
from webgns.labs.api.parsers import BoundedJSONParser, RawTopologyParser
from webgns.labs.models import Project

# JSON first (the unchanged default), forms for `file`, then any other body kept as bytes.
PARSERS = [BoundedJSONParser, MultiPartParser, FormParser, RawTopologyParser]


class TopologyNegotiation(DefaultContentNegotiation):
    """Content negotiation that leaves `?format=` to the view: there it names a topology format,
    not one of DRF's renderers (DRF would answer 404 for `?format=yaml`)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return super().select_renderer(request, renderers[:1], format_suffix=None) if renderers else (None, None)

    def filter_renderers(self, renderers, format):
        return renderers


def export_filename(name: str, suffix: str = ".webgns.json") -> str:
    """The export's file name: the project's name (spaces as "-", no quotes) and the format's suffix."""
    stem = "".join(c if c.isalnum() or c in "._()+-" else "-" for c in name.strip()).strip(".-") or "project"
    return f"{stem}{suffix}"


def _attachment(response, name: str) -> HttpResponse:
    # Any stored name exports: the header never carries a newline or a quote from it.
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _tar_gz(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def export_response(project: Project, wanted: str):
    if wanted == "json":
        return _attachment(Response(topology.export_project(project)), export_filename(project.name))
    if wanted == "yaml":
        return _attachment(HttpResponse(topology_yaml.from_project(project), content_type="application/yaml"),
                           export_filename(project.name, ".webgns.yaml"))
    if wanted == "clab":
        text, files = topology_clab.from_project(project)
        stem = export_filename(project.name, "")
        if not files:
            return _attachment(HttpResponse(text, content_type="application/yaml"), f"{stem}.clab.yml")
        # Files go beside the topology, where its binds name them: containerlab deploys the folder.
        folder = {f"{stem}/{stem}.clab.yml": text, **{f"{stem}/{path}": body for path, body in files.items()}}
        return _attachment(HttpResponse(_tar_gz(folder), content_type="application/gzip"), f"{stem}.clab.tar.gz")
    raise ValidationError({"format": ["Must be one of json, yaml, clab."]})


def _dry_run(request) -> bool:
    return str(request.query_params.get("dry_run", "")).lower() in ("1", "true", "yes")


def import_response(request) -> Response:
    limits.check_new_project(request.user)
    templates = topology.usable_templates(request.user)
    incoming = topology_formats.read(request, templates, name=request.query_params.get("name"))
    if _dry_run(request):
        topology.validate_document(incoming.document, request.user, staff=request.user.is_staff)
        return Response(incoming.report())
    # Never a second row that reads the same: "<name> (copy)" when the user has that name already.
    document = incoming.document
    name = topology.unused_name(request.user, document.get("name") if isinstance(document, dict) else None)
    project = topology.import_project(incoming.document, request.user, name=name, staff=request.user.is_staff,
                                      admit=lambda: limits.check_new_project(request.user))
    from webgns.labs.api.serializers import ProjectSerializer

    body = {**ProjectSerializer(project).data, "report": incoming.report()}
    return Response(body, status=status.HTTP_201_CREATED)


def apply_response(request, project: Project) -> Response:
    templates = topology.usable_templates(project.owner, request.user)
    incoming = topology_formats.read(request, templates, name=project.name)
    plan = topology_apply.plan(project, incoming.document, request.user)
    if _dry_run(request):
        return Response({"changes": plan.changes})
    operation = topology_apply.apply(plan, request.user)
    return Response({"operation": str(operation.id), "changes": plan.changes}, status=status.HTTP_202_ACCEPTED)


class TopologySchemaView(APIView):
    """The JSON Schema of the webgns YAML/JSON topology document (docs/topology.schema.json)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request) -> Response:
        return Response(topology_yaml.schema(), content_type="application/schema+json")
