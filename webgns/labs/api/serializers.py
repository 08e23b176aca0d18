"""REST representations of templates, projects, nodes, links and operations, with every input rule.

Rules that span rows (a port carries one link, names unique per project) are checked here inside
the view's transaction; the database constraints catch what a race slips past.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webgns.labs import impairment_fields
from webgns.labs.choices import NodeKind, NodeStatus
from webgns.labs.models import ComputeHost, Link, Node, Operation, Project, Template
from webgns.labs.models.node import port_names
from webgns.node_rules import capabilities_problem, files_problem, path_problem, sysctls_problem, vlans_problem

MAX_ADAPTERS = 64


def _string_map(value: object, field: str) -> dict:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in value.items()
    ):
        raise serializers.ValidationError(f"{field} must be an object of string keys and string values.")
    if any(not k or "=" in k or "\0" in k for k in value):
        raise serializers.ValidationError(f"{field} keys must be non-empty and contain no '=' or NUL.")
    return {k: str(v) for k, v in value.items()}


def _files(value: object) -> dict:
    problem = files_problem(value)
    if problem:
        raise serializers.ValidationError(problem)
    return dict(value)


def _cpus(value: float | None) -> float | None:
    if value is not None and not 0.01 <= value <= 64:
        raise serializers.ValidationError("Must be between 0.01 and 64.")
    return value


def _memory_mb(value: int | None) -> int | None:
    if value is not None and not 6 <= value <= 1024 * 1024:
        raise serializers.ValidationError("Must be at least 6 MB (Docker's minimum).")
    return value


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class SysctlsField(serializers.JSONField):
    """net.* kernel settings, e.g. {"net.ipv4.ip_forward": "1"}."""

    def to_internal_value(self, data: object) -> dict:
        value = super().to_internal_value(data)
        problem = sysctls_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return {k: str(v) for k, v in value.items()}


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class FilesField(serializers.JSONField):
    """path -> text; absolute paths, no '..', size limits from `webgns.node_rules`."""

    def to_internal_value(self, data: object) -> dict:
        return _files(super().to_internal_value(data))


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Template
        fields = ["id", "name", "kind", "role", "image", "adapters", "start_command", "environment", "cpus",
                  "memory_mb", "files", "sysctls", "capabilities", "console_shell", "builtin"]
        read_only_fields = ["builtin"]

    files = FilesField(required=False)
    sysctls = SysctlsField(required=False)

    def validate_adapters(self, value: int) -> int:
        if not 1 <= value <= MAX_ADAPTERS:
            raise serializers.ValidationError(f"Must be between 1 and {MAX_ADAPTERS}.")
        return value

    def validate_environment(self, value: object) -> dict:
        return _string_map(value, "environment")

    def validate_cpus(self, value: float | None) -> float | None:
        return _cpus(value)

    def validate_memory_mb(self, value: int | None) -> int | None:
        return _memory_mb(value)

    def validate_capabilities(self, value: object) -> list:
        problem = capabilities_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        request = self.context.get("request")
        if value and not (request and request.user.is_staff):
            # SYS_ADMIN and the like widen what a node can do to its host: staff decide that.
            raise serializers.ValidationError("Only staff may give a template extra capabilities.")
        return list(dict.fromkeys(value))

    def validate_console_shell(self, value: str) -> str:
        if value and (not value.replace("-", "").replace("_", "").replace("/", "").isalnum() or " " in value):
            raise serializers.ValidationError("One program name or absolute path, e.g. vtysh.")
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
    files = FilesField(required=False)
    sysctls = SysctlsField(required=False)
    role = serializers.CharField(source="template.role", read_only=True)
    effective_files = serializers.SerializerMethodField()

    class Meta:
        model = Node
        fields = ["id", "name", "template", "kind", "role", "status", "error", "x", "y", "adapters", "ports",
                  "environment", "start_command", "startup", "openflow_controller", "files", "effective_files",
                  "sysctls", "vlans", "cpus", "memory_mb", "compute_host"]
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

    def validate_cpus(self, value: float | None) -> float | None:
        return _cpus(value)

    def validate_memory_mb(self, value: int | None) -> int | None:
        return _memory_mb(value)

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_effective_files(self, node: Node) -> dict:
        """What the node gets on its next start: the template's files overridden by the node's."""
        return node.effective_files

    def _validate_vlans(self, attrs: dict) -> None:
        template = attrs.get("template") or self.instance.template
        vlans = attrs["vlans"]
        if vlans and template.kind != NodeKind.OVS:
            raise serializers.ValidationError({"vlans": [
                "VLANs are set on ovs switches. A bridge switch would need the kernel's bridge VLAN filtering "
                "(CONFIG_BRIDGE_VLAN_FILTERING); webgns does not do bridge VLANs yet: use an ovs switch."]})
        adapters = attrs.get("adapters") or (self.instance.adapters if self.instance else template.adapters)
        problem = vlans_problem(vlans, port_names(adapters))
        if problem:
            raise serializers.ValidationError({"vlans": [problem]})

    def validate(self, attrs: dict) -> dict:
        if "vlans" in attrs:
            self._validate_vlans(attrs)
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


class SaveConfigSerializer(serializers.Serializer):
    paths = serializers.ListField(child=serializers.CharField(max_length=255, trim_whitespace=False),
                                  min_length=1, max_length=64)

    def validate_paths(self, value: list[str]) -> list[str]:
        for path in value:
            problem = path_problem(path)
            if problem:
                raise serializers.ValidationError(problem)
        return list(dict.fromkeys(value))


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
