"""Capture limits from settings (stated in README.md): per capture, captures running per user, what
a user may keep in all, and how long a finished capture is kept."""

from django.conf import settings
from django.db.models import Sum


def max_packets() -> int:
    return settings.WEBGNS_CAPTURE_MAX_PACKETS


def max_bytes() -> int:
    return settings.WEBGNS_CAPTURE_MAX_BYTES


def max_seconds() -> int:
    return settings.WEBGNS_CAPTURE_MAX_SECONDS


def per_user() -> int:
    return settings.WEBGNS_CAPTURE_PER_USER


def user_total_bytes() -> int:
    return settings.WEBGNS_CAPTURE_USER_TOTAL_BYTES


def retention_days() -> int:
    return settings.WEBGNS_CAPTURE_RETENTION_DAYS


def kept_by(user) -> int:
    """Bytes the user's captures hold or may still grow to: a running one counts at its maximum."""
    from webgns.captures.choices import ACTIVE
    from webgns.captures.models import Capture

    mine = Capture.objects.filter(user=user)
    done = mine.exclude(status__in=ACTIVE).aggregate(total=Sum("bytes"))["total"] or 0
    running = mine.filter(status__in=ACTIVE).aggregate(total=Sum("max_bytes"))["total"] or 0
    return done + running
