"""REST representations of templates, projects, nodes, links, annotations and operations, with every input rule.

Rules that span rows (a port carries one link, names unique per project) are checked here inside
the view's transaction; the database constraints catch what a race slips past.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webgns.labs import impairment_fields
from webgns.labs.choices import NodeKind, NodeStatus
from webgns.labs.models import Annotation, ComputeHost, Link, Node, Operation, Project, Template
from webgns.labs.models.node import port_names

MAX_ADAPTERS = 64


def _string_map(value: object, field: str) -> dict:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in value.items()
    ):
        raise serializers.ValidationError(f"{field} must be an object of string keys and string values.")
    if any(not k or "=" in k or "\0" in k for k in value):
        raise serializers.ValidationError(f"{field} keys must be non-empty and contain no '=' or NUL.")
    return {k: str(v) for k, v in value.items()}


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Template
        fields = ["id", "name", "kind", "image", "adapters", "start_command", "environment", "cpus",
                  "memory_mb", "builtin"]
        read_only_fields = ["builtin"]

    def validate_adapters(self, value: int) -> int:
        if not 1 <= value <= MAX_ADAPTERS:
            raise serializers.ValidationError(f"Must be between 1 and {MAX_ADAPTERS}.")
        return value

    def validate_environment(self, value: object) -> dict:
        return _string_map(value, "environment")

    def validate_cpus(self, value: float | None) -> float | None:
        if value is not None and not 0.01 <= value <= 64:
            raise serializers.ValidationError("Must be between 0.01 and 64.")
        return value

    def validate_memory_mb(self, value: int | None) -> int | None:
        if value is not None and not 6 <= value <= 1024 * 1024:
            raise serializers.ValidationError("Must be at least 6 MB (Docker's minimum).")
        return value

    def validate(self, attrs: dict) -> dict:
        kind = attrs.get("kind", getattr(self.instance, "kind", NodeKind.DOCKER))
        image = attrs.get("image", getattr(self.instance, "image", ""))
        if kind in (NodeKind.DOCKER, NodeKind.BRIDGE) and not image:
            raise serializers.ValidationError({"image": ["A docker or bridge template needs an image."]})
        return attrs


class ProjectSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "status", "created", "owner"]


class PortSerializer(serializers.Serializer):
    name = serializers.CharField()
    link = serializers.UUIDField(allow_null=True)


def port_usage(project: Project) -> dict[tuple[str, str], str]:
    """(node id, port) -> link id for every link of the project."""
    usage = {}
    for link in Link.objects.filter(project=project).only("id", "a_node_id", "a_port", "b_node_id", "b_port"):
        usage[(str(link.a_node_id), link.a_port)] = str(link.id)
        usage[(str(link.b_node_id), link.b_port)] = str(link.id)
    return usage


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class StartupField(serializers.Field):
    """Shell lines run after links are up: a string with newlines, or a list of strings."""

    def to_representation(self, value: str) -> list[str]:
        return [line for line in value.splitlines() if line.strip()]

    def to_internal_value(self, data: object) -> str:
        if isinstance(data, str):
            lines = data.splitlines()
        elif isinstance(data, list) and all(isinstance(x, str) for x in data):
            lines = data
        else:
            raise serializers.ValidationError("Must be a string or a list of strings.")
        if any("\n" in line for line in lines if isinstance(data, list)):
            raise serializers.ValidationError("A line may not contain a newline.")
        text = "\n".join(line for line in lines if line.strip())
        if len(text) > 65536:
            raise serializers.ValidationError("At most 64 KiB of startup commands.")
        return text


class NodeSerializer(serializers.ModelSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=Template.objects.all())
    ports = serializers.SerializerMethodField()
    startup = StartupField(required=False)
    adapters = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ADAPTERS)
    x = serializers.FloatField(required=False, min_value=-1e7, max_value=1e7)
    y = serializers.FloatField(required=False, min_value=-1e7, max_value=1e7)

    class Meta:
        model = Node
        fields = ["id", "name", "template", "kind", "status", "error", "x", "y", "adapters", "ports",
                  "environment", "start_command", "startup", "openflow_controller", "compute_host"]
        read_only_fields = ["kind", "status", "error", "compute_host"]
        # Uniqueness per project is checked in validate_name, with a message that names the project.
        validators = []

    def get_ports(self, node: Node) -> list[dict]:
        usage = self.context.get("port_usage")
        if usage is None:
            usage = port_usage(node.project)
        return [{"name": p, "link": usage.get((str(node.id), p))} for p in node.port_names]

    @property
    def project(self) -> Project:
        return self.context["project"]

    def validate_name(self, value: str) -> str:
        others = Node.objects.filter(project=self.project, name=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"A node named {value!r} already exists in this project.")
        return value

    def validate_template(self, value: Template) -> Template:
        if self.instance is not None and value != self.instance.template:
            raise serializers.ValidationError("A node's template cannot change; create a new node instead.")
        return value

    def validate_environment(self, value: object) -> dict:
        return _string_map(value, "environment")

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and "adapters" in attrs:
            usage = port_usage(self.project)
            kept = set(port_names(attrs["adapters"]))
            in_use = sorted(p for (n, p), _ in usage.items() if n == str(self.instance.id) and p not in kept)
            if in_use:
                raise serializers.ValidationError(
                    {"adapters": [f"Ports {', '.join(in_use)} carry links; delete those links first."]}
                )
            if self.instance.status != NodeStatus.STOPPED and attrs["adapters"] != self.instance.adapters:
                raise serializers.ValidationError({"adapters": ["Stop the node before changing its adapters."]})
        return attrs

    def create(self, validated_data: dict) -> Node:
        template = validated_data["template"]
        validated_data.setdefault("adapters", template.adapters)
        validated_data.setdefault("environment", dict(template.environment))
        validated_data.setdefault("start_command", template.start_command)
        validated_data["kind"] = template.kind
        validated_data["project"] = self.project
        return super().create(validated_data)


class EndpointSerializer(serializers.Serializer):
    node = serializers.UUIDField()
    port = serializers.CharField(required=False, max_length=15)


@extend_schema_field(OpenApiTypes.OBJECT)
class ImpairmentField(serializers.Field):
    def to_representation(self, value: dict) -> dict:
        return {d: dict(value.get(d, {})) for d in impairment_fields.DIRECTIONS}

    def to_internal_value(self, data: object) -> dict:
        return impairment_fields.normalise(data)


def netem_refusal(project: Project, impairment: dict) -> str | None:
    """A message when the project's hosts cannot do the netem fields asked for, else None."""
    used = impairment_fields.netem_fields_used(impairment)
    if not used:
        return None
    hosts = set(Node.objects.filter(project=project).values_list("compute_host", flat=True)) or {"local"}
    for host in ComputeHost.objects.filter(name__in=hosts):
        if not host.can("netem"):
            return (
                f"{', '.join(used)} need(s) netem (the sch_netem kernel module), which compute host "
                f"{host.name!r} lacks: {host.reason('netem')}. Rate limits (rate_kbps) still work."
            )
    return None


class LinkSerializer(serializers.ModelSerializer):
    a = EndpointSerializer(write_only=True)
    b = EndpointSerializer(write_only=True)
    impairment = ImpairmentField(required=False)

    class Meta:
        model = Link
        fields = ["id", "a", "b", "status", "error", "impairment"]
        read_only_fields = ["status", "error"]

    def to_representation(self, link: Link) -> dict:
        data = super().to_representation(link)
        data["a"] = {"node": str(link.a_node_id), "port": link.a_port}
        data["b"] = {"node": str(link.b_node_id), "port": link.b_port}
        return data

    @property
    def project(self) -> Project:
        return self.context["project"]

    def _endpoint(self, side: str, endpoint: dict, usage: dict, taken: set) -> tuple[Node, str]:
        node = Node.objects.filter(project=self.project, pk=endpoint["node"]).first()
        if node is None:
            raise serializers.ValidationError({side: {"node": ["No such node in this project."]}})
        port = endpoint.get("port")
        if port is None:
            free = [p for p in node.port_names if (str(node.id), p) not in usage and (node.id, p) not in taken]
            if not free:
                raise serializers.ValidationError({side: {"port": [f"Node {node.name} has no free port."]}})
            port = free[0]
        elif port not in node.port_names:
            raise serializers.ValidationError(
                {side: {"port": [f"Node {node.name} has no port {port!r} (it has {', '.join(node.port_names)})."]}}
            )
        elif (str(node.id), port) in usage:
            raise serializers.ValidationError({side: {"port": [f"Port {node.name}/{port} already carries a link."]}})
        taken.add((node.id, port))
        return node, port

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            if "a" in attrs or "b" in attrs:
                raise serializers.ValidationError({"a": ["A link's endpoints cannot change; delete and re-create it."]})
        else:
            if str(attrs["a"]["node"]) == str(attrs["b"]["node"]):
                raise serializers.ValidationError({"b": {"node": ["A link joins two different nodes."]}})
            usage, taken = port_usage(self.project), set()
            attrs["a_node"], attrs["a_port"] = self._endpoint("a", attrs.pop("a"), usage, taken)
            attrs["b_node"], attrs["b_port"] = self._endpoint("b", attrs.pop("b"), usage, taken)
        if "impairment" in attrs and (refusal := netem_refusal(self.project, attrs["impairment"])):
            raise serializers.ValidationError({"impairment": [refusal]})
        return attrs

    def create(self, validated_data: dict) -> Link:
        validated_data["project"] = self.project
        return super().create(validated_data)


class OperationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Operation
        fields = ["id", "project", "kind", "target", "status", "done", "total", "error", "created", "finished"]


class ExecSerializer(serializers.Serializer):
    command = serializers.CharField(max_length=65536, trim_whitespace=False)
    timeout = serializers.FloatField(required=False, default=30, min_value=0.1, max_value=600)


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email", "password", "is_staff"]

    def validate_password(self, value: str) -> str:
        validate_password(value)
        return value

    def create(self, validated_data: dict):
        password = validated_data.pop("password", None)
        user = get_user_model()(**validated_data)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user


MAX_ANNOTATIONS = 1000
COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
# Each style key and what it accepts: a colour, or a number within bounds.
ANNOTATION_STYLE = {
    "fill": "colour",
    "stroke": "colour",
    "color": "colour",
    "font_size": (6, 96),
    "stroke_width": (0, 20),
    "opacity": (0, 1),
}


class AnnotationSerializer(serializers.ModelSerializer):
    x = serializers.FloatField(required=False, min_value=-1e7, max_value=1e7)
    y = serializers.FloatField(required=False, min_value=-1e7, max_value=1e7)
    width = serializers.FloatField(required=False, min_value=4, max_value=1e5)
    height = serializers.FloatField(required=False, min_value=4, max_value=1e5)
    text = serializers.CharField(required=False, allow_blank=True, max_length=4096, trim_whitespace=False)
    z = serializers.IntegerField(required=False, min_value=-1000, max_value=1000)

    class Meta:
        model = Annotation
        fields = ["id", "kind", "text", "x", "y", "width", "height", "style", "z"]

    def validate_style(self, value: object) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object.")
        for key, item in value.items():
            rule = ANNOTATION_STYLE.get(key)
            if rule is None:
                known = ", ".join(sorted(ANNOTATION_STYLE))
                raise serializers.ValidationError(f"Unknown style {key!r}; known: {known}.")
            if rule == "colour":
                if not isinstance(item, str) or not COLOUR.match(item):
                    raise serializers.ValidationError(f"{key} must be a colour like #1a73e8.")
            elif isinstance(item, bool) or not isinstance(item, int | float) or not rule[0] <= item <= rule[1]:
                raise serializers.ValidationError(f"{key} must be a number from {rule[0]} to {rule[1]}.")
        return value

    def validate(self, attrs: dict) -> dict:
        if self.instance is None:
            project = self.context["project"]
            if Annotation.objects.filter(project=project).count() >= MAX_ANNOTATIONS:
                raise serializers.ValidationError(
                    {"kind": [f"A project holds at most {MAX_ANNOTATIONS} annotations."]}
                )
        return attrs

    def create(self, validated_data: dict) -> Annotation:
        validated_data["project"] = self.context["project"]
        return super().create(validated_data)
