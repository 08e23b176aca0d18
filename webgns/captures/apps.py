"""Captures app: packet captures on link ends (see the package docstring)."""

from django.apps import AppConfig


class CapturesConfig(AppConfig):
    name = "webgns.captures"
    label = "captures"
    verbose_name = "Packet captures"

    def ready(self) -> None:
        from webgns.captures import cleanup  # noqa: F401  (connects the receivers)
