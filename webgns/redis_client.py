"""The process's one Redis client for short commands (keys, sets, scripts), shared by the web tier's
and the workers' modules that keep small state in Redis (events numbering, subscribers, exec slots
and jobs, capture control). Locks keep a client of their own, with tighter timeouts."""

from functools import cache

import redis
from django.conf import settings


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)
