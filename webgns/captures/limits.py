"""Capture limits from settings (stated in README.md): per capture, and captures running per user."""

from django.conf import settings


def max_packets() -> int:
    return settings.WEBGNS_CAPTURE_MAX_PACKETS


def max_bytes() -> int:
    return settings.WEBGNS_CAPTURE_MAX_BYTES


def max_seconds() -> int:
    return settings.WEBGNS_CAPTURE_MAX_SECONDS


def per_user() -> int:
    return settings.WEBGNS_CAPTURE_PER_USER
