"""REST views: projects, nodes, links, annotations, templates, operations, users, compute hosts.

Views validate and store desired state, then hand host work to `webgns.labs.dispatch`.
Access is decided by `webgns.labs.access`: a project another user cannot see answers 404.
"""

from celery.exceptions import TimeoutError as CeleryTimeout
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from webgns.contract import impairment_ranges
from webgns.labs import access, account_removal, dispatch, examples, exec_jobs, limits, scheduler, topology, vnis
from webgns.labs.api import serializers as s
from webgns.labs.api import topology_views
from webgns.labs.api.topology_views import TopologyNegotiation, export_filename  # noqa: F401 - re-exported
from webgns.labs.choices import LinkStatus, NodeKind, NodeStatus
from webgns.labs.events import publish
from webgns.labs.exec_slots import MARGIN_SECONDS as EXEC_MARGIN_SECONDS
from webgns.labs.exec_slots import TooManyExecs, exec_slot
from webgns.labs.models import Annotation, ComputeHost, Link, Node, Operation, Project, Template, UserLimits
from webgns.node_rules import files_problem
from webgns.tasks import host_tasks, routing


def _accepted(op: Operation) -> Response:
    return Response({"operation": str(op.id)}, status=status.HTTP_202_ACCEPTED)


class TemplateViewSet(viewsets.ModelViewSet):
    """Global templates (no owner): staff change them. Private ones: their owner (and staff)."""

    serializer_class = s.TemplateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Template.objects.none()
        templates = s.visible_templates(self.request.user).select_related("owner")
        user = self.request.user
        if self.action == "list" and user.is_staff and self.request.query_params.get("all") not in ("1", "true"):
            # Staff's palette: global and their own; everyone's private ones with ?all=true.
            templates = templates.filter(Q(owner__isnull=True) | Q(owner=user))
        return templates

    def get_object(self) -> Template:
        template = super().get_object()
        changing = self.request.method not in permissions.SAFE_METHODS
        if changing and not self.request.user.is_staff and template.owner_id != self.request.user.pk:
            raise PermissionDenied("Only staff change or delete global templates.")
        return template


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        return access.visible_projects(self.request.user).select_related("owner").prefetch_related("nodes")

    def get_object(self) -> Project:
        project = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS and not access.can_change(self.request.user, project):
            raise PermissionDenied("You may look at this project but not change it.")
        return project

    @transaction.atomic
    def perform_create(self, serializer) -> None:
        limits.check_new_project(self.request.user)
        serializer.save(owner=self.request.user)

    @transaction.atomic
    def perform_destroy(self, project: Project) -> None:
        dispatch.delete_project(project)

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None) -> Response:
        return _accepted(dispatch.start_project(self.get_object(), request.user))

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None) -> Response:
        return _accepted(dispatch.stop_project(self.get_object(), request.user))

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], content_negotiation_class=TopologyNegotiation)
    def export(self, request, pk=None) -> Response:
        """`?format=json` (the default, unchanged), `yaml` (webgns YAML) or `clab` (containerlab)."""
        project = self.get_object()
        return topology_views.export_response(project, request.query_params.get("format") or "json")

    @extend_schema(request=dict, responses={201: s.ProjectSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None) -> Response:
        """"Save as": a new project of the requester's made from this one's export (nodes, links, annotations;
        nothing a running container wrote). Any project the requester may see can be duplicated."""
        project = get_object_or_404(access.visible_projects(request.user), pk=pk)
        name = request.data.get("name") if isinstance(request.data, dict) else None
        if name is None or (isinstance(name, str) and not name.strip()):
            name = topology.unused_name(request.user, project.name, copy=True)
        elif not isinstance(name, str):
            raise ValidationError({"name": ["Must be a string."]})
        copy = topology.import_project(topology.export_project(project), request.user, name=name.strip(),
                                       staff=request.user.is_staff,
                                       admit=lambda: limits.check_new_project(request.user))
        return Response(s.ProjectSerializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=dict, responses={201: s.ProjectSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=topology_views.PARSERS,
            content_negotiation_class=TopologyNegotiation)
    def import_(self, request) -> Response:
        """JSON, webgns YAML, containerlab, GNS3 or a .tar.gz folder; `?dry_run=1` reports and makes nothing."""
        return topology_views.import_response(request)

    @extend_schema(request=dict, responses={202: dict})
    @action(detail=True, methods=["post"], parser_classes=topology_views.PARSERS,
            content_negotiation_class=TopologyNegotiation)
    def apply(self, request, pk=None) -> Response:
        """Converge this project (and its running lab) to a topology; `?dry_run=1` lists the changes."""
        return topology_views.apply_response(request, self.get_object())


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
        limits.check_room_for_node(self.get_project())
        self._publish("node.created", serializer.save())

    @transaction.atomic
    def perform_update(self, serializer) -> None:
        moving = serializer.validated_data.get("compute_host", serializer.instance.compute_host) \
            != serializer.instance.compute_host
        if moving:
            self._leave_host(serializer.instance)
        node = serializer.save()
        if moving:
            links = Link.objects.filter(models_q_node(node))
            vnis.sync_vnis_of_node(node)
            # Made again, on the new host (and as tunnels where they now span two), when both ends run.
            links.update(status=LinkStatus.DOWN, error=f"node {node.name} moved to compute host "
                         f"{node.compute_host!r}; the link is made again when both its nodes run", ends={})
        if "vlans" in serializer.validated_data and node.status == NodeStatus.STARTED:
            dispatch.node_vlans_changed(node)  # a running switch's ports change at once
        self._publish("node.updated", node)

    @staticmethod
    def _leave_host(node: Node) -> None:
        """A stopped node moves: its old host removes its container (the files written inside it
        stay behind; the node's own `files` come along) and its link ends, as if it were deleted."""
        old = Node.objects.select_related("template", "project").get(pk=node.pk)
        links = list(Link.objects.filter(models_q_node(old)).select_related("a_node__template", "b_node__template"))
        dispatch.node_deleted(old, links)

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
        if node.kind == NodeKind.OVS:
            return _conflict(f"Node {node.name} is an Open vSwitch switch on the host: it has no shell to run "
                             "commands in.")
        if node.status != NodeStatus.STARTED:
            raise ValidationError({"node": [f"Node {node.name} is {node.status}; start it first."]})
        timeout = body.validated_data["timeout"]
        if not body.validated_data["wait"]:
            try:
                job = exec_jobs.start(node, request.user.pk, body.validated_data["command"], timeout)
            except TooManyExecs as refused:
                return Response({"detail": str(refused)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response({"id": job, "status": "running",
                             "url": f"/api/projects/{node.project_id}/nodes/{node.id}/exec/{job}/"},
                            status=status.HTTP_202_ACCEPTED)
        try:
            with exec_slot(request.user.pk, timeout):
                result = routing.send(host_tasks.exec_in_node, node.compute_host, str(node.id),
                                      body.validated_data["command"], timeout, exec_work=True)
                # The worker enforces the timeout; the margin covers queueing behind other execs.
                outcome = result.get(timeout=timeout + EXEC_MARGIN_SECONDS)
        except TooManyExecs as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        except CeleryTimeout:
            return Response({"detail": "No worker answered in time."}, status=status.HTTP_504_GATEWAY_TIMEOUT)
        except Exception as error:  # the task failed in a way it did not report (an older worker)
            return _conflict(f"Node {node.name} could not run the command: {error}")
        if isinstance(outcome, dict) and "refused" in outcome:
            return _conflict(f"Node {node.name}: {outcome['refused']}")
        return Response(outcome)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["get"], url_path=r"exec/(?P<job_id>[0-9a-f-]{36})")
    def exec_job(self, request, project_pk=None, pk=None, job_id: str = "") -> Response:
        """A command started with `"wait": false`: `running`, or its result (`done` / `refused`)."""
        node = self.get_object()
        if not access.can_change(request.user, node.project):
            raise PermissionDenied("You may look at this project but not change it.")
        job = exec_jobs.read(job_id, node)
        if job is None:
            raise NotFound(f"No command {job_id} ran on node {node.name} (or its result is gone).")
        return Response(job)

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
        result = routing.send(host_tasks.read_node_files, node.compute_host, str(node.id), paths, exec_work=True)
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


def _conflict(message: str) -> Response:
    """The node's state (not the request) stops the command: 409 naming the node."""
    return Response({"node": [message]}, status=status.HTTP_409_CONFLICT)


def models_q_node(node: Node):
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
        limits.check_room_for_link(self.get_project())
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


class AnnotationViewSet(ProjectScoped, viewsets.ModelViewSet):
    """Text notes and shapes on the canvas: desired state only, no host work; changes go out as events."""

    serializer_class = s.AnnotationSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Annotation.objects.none()
        return Annotation.objects.filter(project=self.get_project())

    @transaction.atomic
    def perform_create(self, serializer) -> None:
        annotation = serializer.save()
        publish(annotation.project_id, "annotation.created", annotation=s.AnnotationSerializer(annotation).data)

    @transaction.atomic
    def perform_update(self, serializer) -> None:
        annotation = serializer.save()
        publish(annotation.project_id, "annotation.updated", annotation=s.AnnotationSerializer(annotation).data)

    @transaction.atomic
    def perform_destroy(self, annotation: Annotation) -> None:
        publish(annotation.project_id, "annotation.deleted", id=str(annotation.id))
        annotation.delete()


class OperationViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.OperationSerializer

    def get_queryset(self):
        return Operation.objects.filter(project__in=access.visible_projects(self.request.user))


class UserViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.UserSerializer
    permission_classes = [permissions.IsAdminUser]
    queryset = get_user_model().objects.order_by("username")

    def get_permissions(self):
        if self.action == "limits" and self.request.method in permissions.SAFE_METHODS:
            return [permissions.IsAuthenticated()]  # a user reads their own; get_object checks whose
        return super().get_permissions()

    def destroy(self, request, pk=None) -> Response:
        """Staff: delete the account and its projects (their hosts remove the containers); see
        labs.account_removal for what refuses it."""
        return delete_user(request.user, self.get_object())

    @extend_schema(request=s.UserLimitsSerializer, responses={200: s.UserLimitsSerializer})
    @action(detail=True, methods=["get", "patch"])
    def limits(self, request, pk=None) -> Response:
        """GET: the user's limits outside courses (staff, or the user); PATCH (staff): set or reset (null)."""
        if not request.user.is_staff and str(request.user.pk) != str(pk):
            raise NotFound()
        user = self.get_object() if request.user.is_staff else request.user
        if request.method == "PATCH":
            body = s.UserLimitsSerializer(data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            row, _ = UserLimits.objects.get_or_create(user=user)
            for field, value in body.validated_data.items():
                setattr(row, field, value)
            row.save()
        return Response(_limits_of(user))


def delete_user(requester, user) -> Response:
    """DELETE of an account, for this API and the people page's: 204, 403 (self, a superuser) or 409."""
    if refusal := account_removal.refusal(requester, user):
        raise PermissionDenied(refusal)
    try:
        account_removal.delete_account(user)
    except account_removal.AccountInUse as error:
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
    return Response(status=status.HTTP_204_NO_CONTENT)


def _limits_of(user) -> dict:
    row = UserLimits.objects.filter(user=user).first()
    return {
        "running_nodes": row.running_nodes if row else None,
        "projects": row.projects if row else None,
        "effective": limits.effective(user),
        "usage": {"running_nodes": limits.running_outside_courses(user),
                  "projects": limits.projects_outside_courses(user).count()},
    }


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
        project = topology.import_project(document, request.user, name=request.query_params.get("name"),
                                          staff=request.user.is_staff,
                                          admit=lambda: limits.check_new_project(request.user))
        return Response(s.ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ComputeView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request) -> Response:
        """Every compute host: status from its heartbeat, capabilities, capacity and what it runs."""
        hosts = list(ComputeHost.objects.order_by("name"))
        now = timezone.now()
        loads = {load.name: load for load in scheduler.host_loads(hosts)}
        hosts = [{"name": h.name, "status": "up" if h.is_up(now) else "down", "status_reason": h.down_reason(now),
                  "last_seen": h.last_seen, "capabilities": h.capabilities, "capacity": h.capacity,
                  "nodes": loads[h.name].nodes, "reserved_memory_mb": loads[h.name].used_memory_mb}
                 for h in hosts]
        # The editor checks its impairment inputs against these: the same table the API and engine use.
        return Response({"hosts": hosts, "impairment_ranges": impairment_ranges.served_ranges()})
