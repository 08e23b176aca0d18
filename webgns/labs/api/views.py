"""REST views: projects, nodes, links, templates, operations, users, compute hosts.

Views validate and store desired state, then hand host work to `webgns.labs.dispatch`.
Access is decided by `webgns.labs.access`: a project another user cannot see answers 404.
"""

from celery.exceptions import TimeoutError as CeleryTimeout
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from webgns.labs import access, dispatch, examples, topology
from webgns.labs.api import serializers as s
from webgns.labs.choices import NodeStatus
from webgns.labs.events import publish
from webgns.labs.models import ComputeHost, Link, Node, Operation, Project, Template
from webgns.node_rules import files_problem
from webgns.tasks import host_tasks


class IsStaffOrReadOnly(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or request.user.is_staff


def _accepted(op: Operation) -> Response:
    return Response({"operation": str(op.id)}, status=status.HTTP_202_ACCEPTED)


class TemplateViewSet(viewsets.ModelViewSet):
    queryset = Template.objects.all()
    serializer_class = s.TemplateSerializer

    def get_permissions(self):
        if self.action in ("update", "partial_update", "destroy"):
            return [permissions.IsAuthenticated(), IsStaffOrReadOnly()]
        return super().get_permissions()


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        return access.visible_projects(self.request.user).select_related("owner").prefetch_related("nodes")

    def get_object(self) -> Project:
        project = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS and not access.can_change(self.request.user, project):
            raise PermissionDenied("You may look at this project but not change it.")
        return project

    def perform_create(self, serializer) -> None:
        serializer.save(owner=self.request.user)

    @transaction.atomic
    def perform_destroy(self, project: Project) -> None:
        project_id = str(project.id)
        project.delete()
        dispatch.project_deleted(project_id)

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None) -> Response:
        return _accepted(dispatch.start_project(self.get_object(), request.user))

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None) -> Response:
        return _accepted(dispatch.stop_project(self.get_object(), request.user))

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None) -> Response:
        project = self.get_object()
        response = Response(topology.export_project(project))
        response["Content-Disposition"] = f'attachment; filename="{project.name}.webgns.json"'
        return response

    @extend_schema(request=dict, responses={201: s.ProjectSerializer})
    @action(detail=False, methods=["post"], url_path="import")
    def import_(self, request) -> Response:
        project = topology.import_project(request.data, request.user, name=request.query_params.get("name"))
        return Response(s.ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectScoped:
    """Mixin for views nested under /projects/{project_pk}/: loads the project once, with access."""

    def get_project(self) -> Project:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no request objects
            return Project()
        if not hasattr(self, "_project"):
            project = get_object_or_404(access.visible_projects(self.request.user), pk=self.kwargs["project_pk"])
            if self.request.method not in permissions.SAFE_METHODS and not access.can_change(
                self.request.user, project
            ):
                raise PermissionDenied("You may look at this project but not change it.")
            self._project = project
        return self._project

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if "project_pk" in self.kwargs and not getattr(self, "swagger_fake_view", False):
            project = self.get_project()
            context["project"] = project
            context["port_usage"] = s.port_usage(project)
        return context


class NodeViewSet(ProjectScoped, viewsets.ModelViewSet):
    serializer_class = s.NodeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Node.objects.none()
        return Node.objects.filter(project=self.get_project()).select_related("project", "template")

    def _publish(self, event: str, node: Node) -> None:
        data = s.NodeSerializer(node, context={"project": node.project}).data
        publish(node.project_id, event, node=data)

    @transaction.atomic
    def perform_create(self, serializer) -> None:
        self._publish("node.created", serializer.save())

    @transaction.atomic
    def perform_update(self, serializer) -> None:
        node = serializer.save()
        if "vlans" in serializer.validated_data and node.status == NodeStatus.STARTED:
            dispatch.node_vlans_changed(node)  # a running switch's ports change at once
        self._publish("node.updated", node)

    @transaction.atomic
    def perform_destroy(self, node: Node) -> None:
        links = list(
            Link.objects.filter(project=node.project)
            .filter(models_q_node(node))
            .select_related("a_node", "b_node")
        )
        dispatch.node_deleted(node, links)
        for link in links:
            publish(node.project_id, "link.deleted", id=str(link.id))
        publish(node.project_id, "node.deleted", id=str(node.id))
        node.delete()

    def _action(self, action_name: str) -> Response:
        node = self.get_object()
        return _accepted(dispatch.node_action(node, action_name, self.request.user))

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def start(self, request, project_pk=None, pk=None) -> Response:
        return self._action("start")

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def stop(self, request, project_pk=None, pk=None) -> Response:
        return self._action("stop")

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def restart(self, request, project_pk=None, pk=None) -> Response:
        return self._action("restart")

    @extend_schema(request=s.ExecSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def exec(self, request, project_pk=None, pk=None) -> Response:
        node = self.get_object()
        if not access.can_change(request.user, node.project):
            raise PermissionDenied("You may look at this project but not change it.")
        body = s.ExecSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if node.status != NodeStatus.STARTED:
            raise ValidationError({"node": [f"Node {node.name} is {node.status}; start it first."]})
        timeout = body.validated_data["timeout"]
        result = host_tasks.exec_in_node.apply_async(args=[str(node.id), body.validated_data["command"], timeout])
        try:
            # The worker enforces the timeout; the margin covers queueing behind other tasks.
            return Response(result.get(timeout=timeout + 60))
        except CeleryTimeout:
            return Response({"detail": "No worker answered in time."}, status=status.HTTP_504_GATEWAY_TIMEOUT)

    @extend_schema(request=s.SaveConfigSerializer, responses={200: s.NodeSerializer})
    @action(detail=True, methods=["post"], url_path="save-config")
    def save_config(self, request, project_pk=None, pk=None) -> Response:
        """Read files back from the running node into its `files` (all of them, or none)."""
        node = self.get_object()
        body = s.SaveConfigSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if node.status != NodeStatus.STARTED:
            raise ValidationError({"node": [f"Node {node.name} is {node.status}; start it first."]})
        paths = body.validated_data["paths"]
        result = host_tasks.read_node_files.apply_async(args=[str(node.id), paths])
        try:
            read = result.get(timeout=60)
        except CeleryTimeout:
            return Response({"detail": "No worker answered in time."}, status=status.HTTP_504_GATEWAY_TIMEOUT)
        if "detail" in read:
            raise ValidationError({"node": [read["detail"]]})
        if read["errors"]:
            raise ValidationError({"paths": [f"{path}: {why}" for path, why in read["errors"].items()]})
        with transaction.atomic():
            node = Node.objects.select_for_update().select_related("project", "template").get(pk=node.pk)
            files = {**node.files, **read["files"]}
            problem = files_problem(files)
            if problem:
                raise ValidationError({"paths": [problem]})
            node.files = files
            node.save(update_fields=["files"])
            self._publish("node.updated", node)
        return Response(s.NodeSerializer(node, context=self.get_serializer_context()).data)


def models_q_node(node: Node):
    from django.db.models import Q

    return Q(a_node=node) | Q(b_node=node)


class LinkViewSet(ProjectScoped, viewsets.ModelViewSet):
    serializer_class = s.LinkSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Link.objects.none()
        return Link.objects.filter(project=self.get_project())

    @transaction.atomic
    def perform_create(self, serializer) -> None:
        link = serializer.save()
        dispatch.link_created(link)
        publish(link.project_id, "link.created", link=s.LinkSerializer(link).data)

    @transaction.atomic
    def perform_update(self, serializer) -> None:
        link = serializer.save()
        dispatch.link_changed(link)
        publish(link.project_id, "link.updated", link=s.LinkSerializer(link).data)

    @transaction.atomic
    def perform_destroy(self, link: Link) -> None:
        dispatch.link_deleted(link)
        publish(link.project_id, "link.deleted", id=str(link.id))
        link.delete()


class OperationViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.OperationSerializer

    def get_queryset(self):
        return Operation.objects.filter(project__in=access.visible_projects(self.request.user))


class UserViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = s.UserSerializer
    permission_classes = [permissions.IsAdminUser]
    queryset = get_user_model().objects.order_by("username")


class ExampleListView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request) -> Response:
        return Response(examples.summaries())


class ExampleInstantiateView(APIView):
    @extend_schema(request=None, responses={201: s.ProjectSerializer})
    def post(self, request, name: str) -> Response:
        """A new project of the caller's, imported from the example (`?name=` names it)."""
        document = examples.load(name)
        if document is None:
            return Response({"detail": f"No example named {name!r}."}, status=status.HTTP_404_NOT_FOUND)
        project = topology.import_project(document, request.user, name=request.query_params.get("name"))
        return Response(s.ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ComputeView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request) -> Response:
        hosts = [{"name": h.name, "capabilities": h.capabilities, "last_seen": h.last_seen}
                 for h in ComputeHost.objects.order_by("name")]
        return Response({"hosts": hosts})
