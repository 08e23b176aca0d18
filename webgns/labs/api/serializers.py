"""REST representations of templates, projects, nodes, links, annotations and operations, with every input rule.

Rules that span rows (a port carries one link, names unique per project) are checked here inside
the view's transaction; the database constraints catch what a race slips past.
"""

import math
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webgns import image_reference
from webgns.labs import impairment_fields, openflow_target, scheduler
from webgns.labs.choices import NodeKind, NodeStatus
from webgns.labs.models import Annotation, ComputeHost, Link, Node, Operation, Project, Template
from webgns.labs.models.node import port_names
from webgns.node_rules import capabilities_problem, files_problem, path_problem, sysctls_problem, vlans_problem

MAX_ADAPTERS = 64


class FiniteFloatField(serializers.FloatField):
    """A float that is finite: JSON's 1e400 is infinity, and float() of a 400-digit integer overflows."""

    def to_internal_value(self, data: object) -> float:
        try:
            value = super().to_internal_value(data)
        except OverflowError:
            self.fail("invalid")
        if not math.isfinite(value):
            raise serializers.ValidationError("Must be a finite number.")
        return value


def _string_map(value: object, field: str) -> dict:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) and not isinstance(v, bool) for k, v in value.items()
    ):
        raise serializers.ValidationError(f"{field} must be an object of string keys and string values.")
    if any(not k or "=" in k or "\0" in k for k in value):
        raise serializers.ValidationError(f"{field} keys must be non-empty and contain no '=' or NUL.")
    clean = {k: str(v) for k, v in value.items()}
    if any("\0" in v for v in clean.values()):
        raise serializers.ValidationError(f"{field} values may not contain NUL.")
    max_keys, max_bytes = settings.WEBGNS_MAX_ENV_KEYS, settings.WEBGNS_MAX_ENV_BYTES
    if len(clean) > max_keys:
        raise serializers.ValidationError(
            f"{field} has {len(clean)} variables; the limit is {max_keys} (WEBGNS_MAX_ENV_KEYS)."
        )
    size = sum(len(k.encode()) + len(v.encode()) for k, v in clean.items())
    if size > max_bytes:
        raise serializers.ValidationError(
            f"{field} holds {size} bytes of names and values; the limit is {max_bytes} (WEBGNS_MAX_ENV_BYTES)."
        )
    return clean


def validate_start_command(value: str) -> str:
    limit = settings.WEBGNS_MAX_START_COMMAND_BYTES
    if len(value.encode()) > limit:
        raise serializers.ValidationError(f"At most {limit} bytes (WEBGNS_MAX_START_COMMAND_BYTES).")
    if "\0" in value:
        raise serializers.ValidationError("May not contain NUL.")
    return value


def _is_staff(serializer: serializers.Serializer) -> bool:
    """Whether staff stand behind the values: the requester, or (an import, a copy) `context["staff"]`."""
    if "staff" in serializer.context:
        return bool(serializer.context["staff"])
    request = serializer.context.get("request")
    return bool(request is not None and request.user.is_staff)


def _files(value: object) -> dict:
    problem = files_problem(value)
    if problem:
        raise serializers.ValidationError(problem)
    return dict(value)


def _cpus(value: float | None, staff: bool = False) -> float | None:
    if value == 0 and staff:
        return value  # staff: no CPU limit
    if value is not None and not 0.01 <= value <= 64:
        raise serializers.ValidationError("Must be between 0.01 and 64 (0, no limit, only as staff).")
    most = settings.WEBGNS_NODE_CPUS_MAX
    if value is not None and value > most and not staff:
        # One node's CPUs come out of a compute host everyone shares.
        raise serializers.ValidationError(f"At most {most:g} CPUs per node (WEBGNS_NODE_CPUS_MAX); staff may "
                                          "set more.")
    return value


def _memory_mb(value: int | None, staff: bool = False) -> int | None:
    if value == 0 and staff:
        return value  # staff: no memory limit
    if value is not None and not 6 <= value <= 1024 * 1024:
        raise serializers.ValidationError(
            "Must be at least 6 MB (Docker's minimum) and at most 1 TiB (0, no limit, only as staff)."
        )
    most = settings.WEBGNS_NODE_MEMORY_MB_MAX
    if value is not None and value > most and not staff:
        # The scheduler reserves a node's memory on its host: one node could take the host's budget.
        raise serializers.ValidationError(f"At most {most} MB per node (WEBGNS_NODE_MEMORY_MB_MAX); staff may "
                                          "set more.")
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
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    scope = serializers.ChoiceField(choices=["global", "private"], required=False,
                                    help_text="global (staff only; the default for staff) or private to you.")
    cpus = FiniteFloatField(required=False, allow_null=True)

    class Meta:
        model = Template
        fields = ["id", "name", "kind", "role", "image", "adapters", "start_command", "environment", "cpus",
                  "memory_mb", "files", "sysctls", "capabilities", "console_shell", "builtin", "owner", "scope"]
        read_only_fields = ["builtin"]
        extra_kwargs = {"name": {"trim_whitespace": False}, "image": {"trim_whitespace": False}}
        validators = []  # name uniqueness depends on the scope: validate()

    def to_representation(self, template: Template) -> dict:
        data = super().to_representation(template)
        data["scope"] = "private" if template.owner_id else "global"
        return data

    files = FilesField(required=False)
    sysctls = SysctlsField(required=False)

    def validate_adapters(self, value: int) -> int:
        if not 1 <= value <= MAX_ADAPTERS:
            raise serializers.ValidationError(f"Must be between 1 and {MAX_ADAPTERS}.")
        return value

    def validate_environment(self, value: object) -> dict:
        return _string_map(value, "environment")

    def validate_start_command(self, value: str) -> str:
        return validate_start_command(value)

    def validate_image(self, value: str) -> str:
        if not value:
            return value
        try:
            reference = image_reference.parse(value)
        except image_reference.InvalidReference as error:
            raise serializers.ValidationError(str(error)) from error
        allowed = settings.WEBGNS_ALLOWED_REGISTRIES
        if (not _is_staff(self) and reference.explicit_registry
                and not image_reference.registry_allowed(reference, allowed)):
            raise serializers.ValidationError(
                f"Registry {reference.registry} is not one this server pulls from "
                f"(WEBGNS_ALLOWED_REGISTRIES: {', '.join(allowed) or 'none, only images already on the host'})."
            )
        return value

    def validate_cpus(self, value: float | None) -> float | None:
        return _cpus(value, _is_staff(self))

    def validate_memory_mb(self, value: int | None) -> int | None:
        return _memory_mb(value, _is_staff(self))

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
        if self.instance is not None:
            if "scope" in attrs and attrs.pop("scope") != ("private" if self.instance.owner_id else "global"):
                raise serializers.ValidationError({"scope": ["A template's scope cannot change; make a new one."]})
            owner = self.instance.owner
        else:
            scope = attrs.pop("scope", "global" if _is_staff(self) else "private")
            if scope == "global" and not _is_staff(self):
                raise serializers.ValidationError(
                    {"scope": ["Only staff create global templates; yours are private (scope \"private\")."]}
                )
            owner = None if scope == "global" else self.context["request"].user
            attrs["owner"] = owner
        name = attrs.get("name", getattr(self.instance, "name", None))
        # A global name is unique among globals; a private one may not shadow a global either.
        clash = Template.objects.filter(name=name).filter(Q(owner__isnull=True) | Q(owner=owner, owner__isnull=False))
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"name": [f"A template named {name!r} already exists."]})
        return attrs


class ProjectSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "status", "created", "owner"]
        # Refused, not trimmed: a name with a newline is an error, never silently another name.
        extra_kwargs = {"name": {"trim_whitespace": False}}


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
        limit = settings.WEBGNS_MAX_STARTUP_BYTES
        if len(text.encode()) > limit:
            raise serializers.ValidationError(f"At most {limit} bytes of startup commands (WEBGNS_MAX_STARTUP_BYTES).")
        if "\0" in text:
            raise serializers.ValidationError("May not contain NUL.")
        return text


class NodeSerializer(serializers.ModelSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=Template.objects.all())
    ports = serializers.SerializerMethodField()
    startup = StartupField(required=False)
    adapters = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ADAPTERS)
    x = FiniteFloatField(required=False, min_value=-1e7, max_value=1e7)
    y = FiniteFloatField(required=False, min_value=-1e7, max_value=1e7)
    files = FilesField(required=False)
    sysctls = SysctlsField(required=False)
    role = serializers.CharField(source="template.role", read_only=True)
    effective_files = serializers.SerializerMethodField()
    cpus = FiniteFloatField(required=False, allow_null=True)
    # Chosen by the scheduler; staff may pin a new node to a host or move a stopped one.
    compute_host = serializers.CharField(required=False, max_length=64)

    class Meta:
        model = Node
        fields = ["id", "name", "template", "kind", "role", "status", "error", "x", "y", "adapters", "ports",
                  "environment", "start_command", "startup", "openflow_controller", "files", "effective_files",
                  "sysctls", "vlans", "cpus", "memory_mb", "compute_host"]
        read_only_fields = ["kind", "status", "error"]
        extra_kwargs = {"name": {"trim_whitespace": False}, "openflow_controller": {"trim_whitespace": False}}
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and "template" in self.fields:
            self.fields["template"].queryset = visible_templates(request.user)

    def validate_name(self, value: str) -> str:
        taken = self.context.get("taken_names")
        if taken is not None:  # an import: the names so far are in memory, not in the database
            if value in taken:
                raise serializers.ValidationError(f"A node named {value!r} already exists in this project.")
            return value
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

    def validate_start_command(self, value: str) -> str:
        return validate_start_command(value)

    def validate_openflow_controller(self, value: str) -> str:
        try:
            return openflow_target.validate(value)
        except openflow_target.InvalidTarget as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_cpus(self, value: float | None) -> float | None:
        return _cpus(value, _is_staff(self))

    def validate_memory_mb(self, value: int | None) -> int | None:
        return _memory_mb(value, _is_staff(self))

    def validate_compute_host(self, value: str) -> str:
        if self.instance is not None and value == self.instance.compute_host:
            return value
        if not _is_staff(self):
            raise serializers.ValidationError("Only staff place nodes on a compute host; the scheduler chooses.")
        host = ComputeHost.objects.filter(name=value).first()
        if host is None:
            raise serializers.ValidationError(f"No compute host named {value!r} has reported.")
        if not host.is_up():
            raise serializers.ValidationError(f"Compute host {value!r} is down ({host.down_reason()}).")
        if self.instance is not None and self.instance.status != NodeStatus.STOPPED:
            raise serializers.ValidationError("Stop the node before moving it to another compute host.")
        return value

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_effective_files(self, node: Node) -> dict:
        """What the node gets on its next start: the template's files overridden by the node's."""
        return node.effective_files

    def _validate_vlans(self, attrs: dict) -> None:
        template = attrs.get("template") or self.instance.template
        vlans = attrs["vlans"]
        host = self.instance.compute_host if self.instance else attrs.get("compute_host", settings.WEBGNS_COMPUTE_HOST)
        if vlans and (refusal := vlans_refusal(template.kind, host)):
            raise serializers.ValidationError({"vlans": [refusal]})
        adapters = attrs.get("adapters") or (self.instance.adapters if self.instance else template.adapters)
        problem = vlans_problem(vlans, port_names(adapters))
        if problem:
            raise serializers.ValidationError({"vlans": [problem]})

    def _validate_controller_in_lab(self, attrs: dict) -> None:
        """Non-staff: the controller is a node of this lab (openflow_target.lab_problem). An import
        checks against the whole document instead (topology), so it turns this off."""
        controller = attrs["openflow_controller"]
        if not controller or _is_staff(self) or not self.context.get("controller_in_lab", True):
            return
        others = Node.objects.filter(project=self.project).select_related("template")
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        texts = lab_texts(others)
        texts += [attrs.get("startup", getattr(self.instance, "startup", "")),
                  *attrs.get("files", getattr(self.instance, "files", {})).values()]
        if problem := openflow_target.lab_problem(controller, texts):
            raise serializers.ValidationError({"openflow_controller": [problem]})

    def validate(self, attrs: dict) -> dict:
        if "vlans" in attrs:
            self._validate_vlans(attrs)
        if "openflow_controller" in attrs:
            self._validate_controller_in_lab(attrs)
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
        pinned = validated_data.pop("compute_host", None)
        node = new_node(self.project, validated_data)
        try:
            scheduler.place_nodes([node], self.project, {0: pinned} if pinned else None)
        except scheduler.PlacementFailed as error:
            raise serializers.ValidationError({"compute_host": [str(error)]}) from error
        node.save()
        return node


def lab_texts(nodes) -> list[str]:
    """The startup lines and files (the template's too) of `nodes`, where a lab configures its addresses."""
    texts: list[str] = []
    for node in nodes:
        texts.append(node.startup)
        texts.extend(node.effective_files.values())
    return texts


def new_node(project: Project, validated_data: dict) -> Node:
    """An unsaved node from a NodeSerializer's validated data, with its template's defaults."""
    template = validated_data["template"]
    data = dict(validated_data)
    data.setdefault("adapters", template.adapters)
    data.setdefault("environment", dict(template.environment))
    data.setdefault("start_command", template.start_command)
    data["kind"] = template.kind
    return Node(project=project, **data)


def visible_templates(user):
    """Global templates and the user's own private ones (staff: all)."""
    if user.is_staff:
        return Template.objects.all()
    return Template.objects.filter(Q(owner__isnull=True) | Q(owner=user))


class EndpointSerializer(serializers.Serializer):
    node = serializers.UUIDField()
    port = serializers.CharField(required=False, max_length=15)


@extend_schema_field(OpenApiTypes.OBJECT)
class ImpairmentField(serializers.Field):
    def to_representation(self, value: dict) -> dict:
        return {d: dict(value.get(d, {})) for d in impairment_fields.DIRECTIONS}

    def to_internal_value(self, data: object) -> dict:
        return impairment_fields.normalise(data)


def netem_refusal(project: Project, impairment: dict, hosts: set[str] | None = None) -> str | None:
    """A message when the project's hosts (default: its nodes') cannot do the netem fields asked for."""
    used = impairment_fields.netem_fields_used(impairment)
    if not used:
        return None
    if hosts is None:
        hosts = set(Node.objects.filter(project=project).values_list("compute_host", flat=True))
    hosts = hosts or {settings.WEBGNS_COMPUTE_HOST}
    for host in ComputeHost.objects.filter(name__in=hosts):
        if not host.can("netem"):
            return (
                f"{', '.join(used)} need(s) netem (the sch_netem kernel module), which compute host "
                f"{host.name!r} lacks: {host.reason('netem')}. Rate limits (rate_kbps) still work."
            )
    return None


# Which node kinds carry port VLANs, and the compute-host capability each needs (None: nothing).
VLAN_CAPABILITY_OF_KIND = {NodeKind.OVS: None, NodeKind.BRIDGE: "bridge_vlan_filtering"}


def vlans_refusal(kind: str, compute_host: str) -> str | None:
    """Why a node of `kind` placed on `compute_host` cannot have port VLANs (None: it can).

    The one rule for VLANs per kind and host. A host that never reported its capabilities is
    not refused (as for netem): its worker finds out when it applies them and says so on the node.
    """
    if kind not in VLAN_CAPABILITY_OF_KIND:
        return "VLANs are set on switch ports: only bridge and ovs switches have them."
    capability = VLAN_CAPABILITY_OF_KIND[kind]
    if capability is None:
        return None
    host = ComputeHost.objects.filter(name=compute_host).first()
    if host is None or host.can(capability):
        return None
    reason = host.capabilities.get("reasons", {}).get(capability) or (
        "VLANs on bridge switches need the kernel's bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), "
        "which this host has not reported having; use an ovs switch for VLANs"
    )  # a worker from before the probe existed
    return f"{reason} (compute host {host.name!r})."


def choose_port(side: str, node: Node, port: str | None, in_use: set[tuple[str, str]]) -> str:
    """The port a link end takes on `node` (the next free one when None); marks it in `in_use`,
    a set of (node id as str, port). Raises a ValidationError under `side` when it cannot."""
    if port is None:
        port = next((p for p in node.port_names if (str(node.id), p) not in in_use), None)
        if port is None:
            raise serializers.ValidationError({side: {"port": [f"Node {node.name} has no free port."]}})
    elif not isinstance(port, str) or port not in node.port_names:
        raise serializers.ValidationError(
            {side: {"port": [f"Node {node.name} has no port {port!r} (it has {', '.join(node.port_names)})."]}}
        )
    elif (str(node.id), port) in in_use:
        raise serializers.ValidationError({side: {"port": [f"Port {node.name}/{port} already carries a link."]}})
    in_use.add((str(node.id), port))
    return port


class LinkSerializer(serializers.ModelSerializer):
    a = EndpointSerializer(write_only=True)
    b = EndpointSerializer(write_only=True)
    impairment = ImpairmentField(required=False)

    class Meta:
        model = Link
        fields = ["id", "a", "b", "status", "error", "impairment", "vni", "ends"]
        read_only_fields = ["status", "error", "vni", "ends"]

    def to_representation(self, link: Link) -> dict:
        data = super().to_representation(link)
        data["a"] = {"node": str(link.a_node_id), "port": link.a_port}
        data["b"] = {"node": str(link.b_node_id), "port": link.b_port}
        return data

    @property
    def project(self) -> Project:
        return self.context["project"]

    def _endpoint(self, side: str, endpoint: dict, in_use: set) -> tuple[Node, str]:
        node = Node.objects.filter(project=self.project, pk=endpoint["node"]).first()
        if node is None:
            raise serializers.ValidationError({side: {"node": ["No such node in this project."]}})
        return node, choose_port(side, node, endpoint.get("port"), in_use)

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            if "a" in attrs or "b" in attrs:
                raise serializers.ValidationError({"a": ["A link's endpoints cannot change; delete and re-create it."]})
        else:
            if str(attrs["a"]["node"]) == str(attrs["b"]["node"]):
                raise serializers.ValidationError({"b": {"node": ["A link joins two different nodes."]}})
            in_use = set(port_usage(self.project))
            attrs["a_node"], attrs["a_port"] = self._endpoint("a", attrs.pop("a"), in_use)
            attrs["b_node"], attrs["b_port"] = self._endpoint("b", attrs.pop("b"), in_use)
        if "impairment" in attrs and (refusal := netem_refusal(self.project, attrs["impairment"])):
            raise serializers.ValidationError({"impairment": [refusal]})
        return attrs

    def create(self, validated_data: dict) -> Link:
        validated_data["project"] = self.project
        return super().create(validated_data)


class OperationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Operation
        fields = ["id", "project", "kind", "target", "status", "done", "total", "error", "created", "finished",
                  "deadline"]


class ExecSerializer(serializers.Serializer):
    command = serializers.CharField(max_length=65536, trim_whitespace=False)
    # Capped (WEBGNS_EXEC_TIMEOUT_MAX, 120 s by default): long work belongs in a terminal.
    timeout = FiniteFloatField(required=False, default=30, min_value=0.1, max_value=settings.WEBGNS_EXEC_TIMEOUT_MAX)
    # false: answer 202 with a job to poll; default: wait when the timeout is at most WEBGNS_EXEC_WAIT_MAX.
    wait = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        short = attrs["timeout"] <= settings.WEBGNS_EXEC_WAIT_MAX
        if attrs.get("wait") is None:
            attrs["wait"] = short
        elif attrs["wait"] and not short:
            raise serializers.ValidationError({"wait": [
                f"A request waits for at most {settings.WEBGNS_EXEC_WAIT_MAX:g} s (WEBGNS_EXEC_WAIT_MAX); "
                "send \"wait\": false and read the result at the returned url."]})
        return attrs

    def validate_command(self, value: str) -> str:
        if "\0" in value:
            raise serializers.ValidationError("May not contain NUL.")
        return value


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


class UserLimitsSerializer(serializers.Serializer):
    """A user's limits outside courses: null means the server's default (shown in `effective`)."""

    running_nodes = serializers.IntegerField(allow_null=True, required=False, min_value=0, max_value=100000)
    projects = serializers.IntegerField(allow_null=True, required=False, min_value=0, max_value=100000)
    effective = serializers.DictField(read_only=True)
    usage = serializers.DictField(read_only=True)


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
    x = FiniteFloatField(required=False, min_value=-1e7, max_value=1e7)
    y = FiniteFloatField(required=False, min_value=-1e7, max_value=1e7)
    width = FiniteFloatField(required=False, min_value=4, max_value=1e5)
    height = FiniteFloatField(required=False, min_value=4, max_value=1e5)
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
        if self.instance is None and not self.context.get("importing"):  # an import counts them itself
            project = self.context["project"]
            if Annotation.objects.filter(project=project).count() >= MAX_ANNOTATIONS:
                raise serializers.ValidationError(
                    {"kind": [f"A project holds at most {MAX_ANNOTATIONS} annotations."]}
                )
        return attrs

    def create(self, validated_data: dict) -> Annotation:
        validated_data["project"] = self.context["project"]
        return super().create(validated_data)
