"""A Redis lock per project: host work on one lab runs one task at a time, across all workers.

Without it a "start lab" and an "add link" on the same lab could plumb the same veth at once.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import redis
from django.conf import settings


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@contextmanager
def project_lock(project_id: str, timeout: float = 900) -> Iterator[None]:
    # The lock expires on its own if a worker dies holding it.
    with _redis().lock(f"webgns:lock:project:{project_id}", timeout=timeout, blocking_timeout=timeout):
        yield
