"""Capture requests and records as JSON: validation of the end, the BPF filter and the limits."""

from rest_framework import serializers

from webgns.captures import limits
from webgns.captures.choices import LinkEndChoice
from webgns.captures.models import Capture
from webgns.packets.bpf import FilterError, compile_filter


class CaptureSerializer(serializers.ModelSerializer):
    end = serializers.ChoiceField(choices=LinkEndChoice.choices)
    filter = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    max_packets = serializers.IntegerField(required=False, min_value=1)
    max_bytes = serializers.IntegerField(required=False, min_value=1024)
    max_seconds = serializers.IntegerField(required=False, min_value=1)
    link = serializers.UUIDField(source="link_id", read_only=True, allow_null=True)
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Capture
        fields = ["id", "project", "link", "end", "filter", "interface", "status", "reason", "error", "packets",
                  "bytes", "kernel_drops", "max_packets", "max_bytes", "max_seconds", "user", "created", "started",
                  "ended"]
        read_only_fields = ["id", "project", "link", "interface", "status", "reason", "error", "packets", "bytes",
                            "kernel_drops",
                            "user", "created", "started", "ended"]

    def validate_filter(self, value: str) -> str:
        try:
            compile_filter(value)
        except FilterError as error:
            raise serializers.ValidationError(f"not a valid capture filter: {error}") from error
        return value.strip()

    def _bounded(self, attrs: dict, name: str, ceiling: int) -> None:
        value = attrs.get(name)
        if value is None:
            attrs[name] = ceiling
        elif value > ceiling:
            raise serializers.ValidationError({name: [f"at most {ceiling} on this server."]})

    def validate(self, attrs: dict) -> dict:
        self._bounded(attrs, "max_packets", limits.max_packets())
        self._bounded(attrs, "max_bytes", limits.max_bytes())
        self._bounded(attrs, "max_seconds", limits.max_seconds())
        return attrs


class PacketSummarySerializer(serializers.Serializer):
    """One row of Wireshark's packet list (documentation of `…/packets/`; tshark makes the rows)."""

    no = serializers.IntegerField()
    time = serializers.FloatField(help_text="seconds since the capture's first packet")
    src = serializers.CharField()
    dst = serializers.CharField()
    protocol = serializers.CharField()
    length = serializers.IntegerField()
    info = serializers.CharField()


class PacketDetailSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    length = serializers.IntegerField()
    captured = serializers.IntegerField()
    direction = serializers.CharField(help_text='"in", "out" or ""')
    layers = serializers.JSONField(help_text='[{"name","text","pos","size","children":[...]}], tshark\'s tree')
    bytes = serializers.CharField(help_text="the captured bytes in hex")
