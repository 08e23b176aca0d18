"""The captures API: start on a link end, list, stop, download the pcapng, decoded packets.

Access is the project's: whoever may view the project sees its captures (a course's teachers see
their students'), whoever may change it starts and stops them; anyone else gets 404.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from webgns.captures import control, decode, dispatch, limits
from webgns.captures.api.serializers import CaptureSerializer, PacketDetailSerializer, PacketSummarySerializer
from webgns.captures.choices import ACTIVE
from webgns.captures.models import Capture
from webgns.labs import access
from webgns.labs.choices import LinkStatus
from webgns.labs.models import Link, Project

STREAM_CHUNK = 1 << 16
STREAM_POLL_SECONDS = 0.2


class CaptureScoped(APIView):
    """Loads the project (with access), the link when the URL names one, and the capture."""

    def project(self) -> Project:
        project = get_object_or_404(access.visible_projects(self.request.user), pk=self.kwargs["project_pk"])
        if self.request.method not in permissions.SAFE_METHODS and not access.can_change(self.request.user, project):
            raise PermissionDenied("You may look at this project but not change it.")
        return project

    def link(self, project: Project) -> Link | None:
        if "link_pk" not in self.kwargs:
            return None
        return get_object_or_404(Link.objects.select_related("a_node", "b_node"), project=project,
                                 pk=self.kwargs["link_pk"])

    def capture(self) -> Capture:
        project = self.project()
        link = self.link(project)
        found = Capture.objects.select_related("user").filter(project=project, pk=self.kwargs["capture_pk"])
        if link is not None:
            found = found.filter(link=link)
        capture = found.first()
        if capture is None:
            raise Http404
        return control.settle_if_orphaned(capture)


class CaptureListView(CaptureScoped):
    serializer_class = CaptureSerializer

    @extend_schema(responses=CaptureSerializer(many=True))
    def get(self, request, **kwargs) -> Response:
        project = self.project()
        link = self.link(project)
        captures = Capture.objects.select_related("user").filter(project=project)
        if link is not None:
            captures = captures.filter(link=link)
        captures = [control.settle_if_orphaned(c) for c in captures[:200]]
        return Response(CaptureSerializer(captures, many=True).data)

    def post(self, request, **kwargs) -> Response:
        project = self.project()
        link = self.link(project)
        if link is None:
            raise Http404
        serializer = CaptureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if link.status != LinkStatus.UP:
            raise ValidationError({"link": ["this link is not up; start both of its nodes first."]})
        running = [control.settle_if_orphaned(c) for c in Capture.objects.filter(user=request.user, status__in=ACTIVE)]
        count = sum(1 for c in running if c.active)
        if count >= limits.per_user():
            raise ValidationError({"quota": [f"you have {count} captures running; the limit is {limits.per_user()}. "
                                             "Stop one first."]})
        kept, allowed = limits.kept_by(request.user), limits.user_total_bytes()
        asked = serializer.validated_data.get("max_bytes") or limits.max_bytes()
        if kept + asked > allowed:
            raise ValidationError({"quota": [
                f"your captures keep {kept >> 20} MiB and this one may take {asked >> 20} MiB; a user may keep "
                f"{allowed >> 20} MiB (a running capture counts at its maximum). Delete captures you no longer "
                "need first."]})
        end = serializer.validated_data["end"]
        node, port = (link.a_node, link.a_port) if end == "a" else (link.b_node, link.b_port)
        interface = (f"{node.name} {port} (link {link.a_node.name}:{link.a_port} - "
                     f"{link.b_node.name}:{link.b_port})")
        capture = serializer.save(project=project, link=link, user=request.user, interface=interface)
        dispatch.start_capture(capture)
        return Response(CaptureSerializer(capture).data, status=status.HTTP_201_CREATED)


class CaptureDetailView(CaptureScoped):
    serializer_class = CaptureSerializer

    def get(self, request, **kwargs) -> Response:
        return Response(CaptureSerializer(self.capture()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, **kwargs) -> Response:
        """Delete a finished capture and its file (its starter or staff; a running one is stopped first)."""
        capture = self.capture()
        if capture.user_id != request.user.id and not request.user.is_staff:
            raise PermissionDenied("Only whoever started a capture (or staff) may delete it.")
        if capture.active:
            raise ValidationError({"status": ["this capture is still running; stop it first."]})
        capture.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaptureStopView(CaptureScoped):
    serializer_class = CaptureSerializer

    def post(self, request, **kwargs) -> Response:
        capture = self.capture()
        control.request_stop(capture)
        code = status.HTTP_202_ACCEPTED if capture.active else status.HTTP_200_OK
        return Response(CaptureSerializer(capture).data, status=code)


class CapturePcapngView(CaptureScoped):
    @extend_schema(responses={(200, "application/x-pcapng"): OpenApiTypes.BINARY})
    def get(self, request, **kwargs) -> StreamingHttpResponse:
        capture = self.capture()
        response = StreamingHttpResponse(_stream(capture), content_type="application/x-pcapng")
        name = f"capture-{str(capture.id)[:8]}.pcapng"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


async def _stream(capture: Capture):
    """The file's bytes; while the capture runs, its new bytes as they are written, until it ends."""
    refresh = sync_to_async(_still_active, thread_sensitive=False)
    while not capture.path.exists():
        if not await refresh(capture):
            return
        await asyncio.sleep(STREAM_POLL_SECONDS)
    with open(capture.path, "rb") as file:
        while True:
            data = file.read(STREAM_CHUNK)
            if data:
                yield data
                continue
            if not await refresh(capture):
                while data := file.read(STREAM_CHUNK):  # what was flushed before it ended
                    yield data
                return
            await asyncio.sleep(STREAM_POLL_SECONDS)


def _still_active(capture: Capture) -> bool:
    capture.refresh_from_db(fields=["status", "started", "created"])
    return control.settle_if_orphaned(capture).status in ACTIVE


def _number(value: str | None, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({name: ["a whole number."]}) from None
    if number < 0:
        raise ValidationError({name: ["zero or more."]})
    return number


class CapturePacketsView(CaptureScoped):
    @extend_schema(responses=PacketSummarySerializer(many=True), parameters=[
        OpenApiParameter("from", int, description="only packets numbered above this"),
        OpenApiParameter("filter", str, description="a display filter, Wireshark's syntax"),
        OpenApiParameter("limit", int, description="at most this many (and never more than 5000)"),
    ])
    def get(self, request, **kwargs) -> Response:
        capture = self.capture()
        after = _number(request.query_params.get("from"), "from")
        limit = _number(request.query_params.get("limit"), "limit") or decode.MAX_SUMMARIES
        display_filter = request.query_params.get("filter", "")
        try:
            decode.check_display_filter(display_filter)
            chunk = decode.read_chunk(capture.path)
            if chunk is None:
                return Response([])
            start = chunk.records[0].timestamp_ns if chunk.records else 0
            rows = decode.summaries(chunk, start, display_filter, after=after,
                                    limit=min(limit, decode.MAX_SUMMARIES))
        except decode.DisplayFilterError as error:
            raise ValidationError({"filter": [f"not a valid display filter: {error}"]}) from error
        except decode.DecodeError as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(rows)


class CapturePacketDetailView(CaptureScoped):
    @extend_schema(responses=PacketDetailSerializer)
    def get(self, request, number: int, **kwargs) -> Response:
        capture = self.capture()
        try:
            found = decode.detail(capture.path, int(number))
        except decode.DecodeError as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if found is None:
            raise Http404
        return Response(found)
