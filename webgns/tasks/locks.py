"""A Redis lock per project: host work on one lab runs one task at a time, across all workers.

Without it a "start lab" and an "add link" on the same lab could plumb the same veth at once.

The lock lives LOCK_TTL_SECONDS and a thread of the holder extends it while the work goes on, so
a killed worker's lock frees itself within that time, while a long operation keeps its own. The
value names its holder (`<owner>:<random>`), so reconcile can free at once the lock of an
operation it has just failed. If Redis restarts under a holder, the thread takes the lock again.
"""

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import redis
from django.conf import settings

log = logging.getLogger(__name__)

LOCK_TTL_SECONDS = 60

# Delete the key only if it still holds a value with the given prefix (the holder's name).
_RELEASE_IF_OWNED_BY = """
local v = redis.call('get', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# Extend our own lock, or take it again if Redis lost it (a restart): never someone else's.
_EXTEND_OR_RETAKE = """
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not v then return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0 end
return 0
"""


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=30,
                                retry_on_timeout=True, health_check_interval=10)


def lock_key(project_id: str) -> str:
    return f"webgns:lock:project:{project_id}"


def lock_holder(project_id: str) -> str | None:
    value = _redis().get(lock_key(project_id))
    return value.decode() if value is not None else None


def force_release(project_id: str, owner: str) -> bool:
    """Free the project's lock if `owner` holds it (reconcile, after failing owner's operation)."""
    return bool(_redis().eval(_RELEASE_IF_OWNED_BY, 1, lock_key(project_id), f"{owner}:"))


def _keep_alive(key: str, token: str, stop: threading.Event) -> None:
    while not stop.wait(LOCK_TTL_SECONDS / 3):
        try:
            if not _redis().eval(_EXTEND_OR_RETAKE, 1, key, token, LOCK_TTL_SECONDS * 1000):
                log.warning("lock %s was taken from this holder (%s)", key, token)
                return
        except redis.RedisError as error:  # Redis away for a moment: try again next round
            log.warning("could not extend lock %s: %s", key, error)


def _acquire(lock, token: str, wait: float) -> bool:
    """Acquire, riding out a Redis restart (connection refused) until `wait` has passed."""
    give_up = time.monotonic() + wait
    while True:
        try:
            return lock.acquire(token=token, blocking_timeout=max(0.0, give_up - time.monotonic()))
        except redis.ConnectionError as error:
            if time.monotonic() > give_up:
                raise
            log.warning("Redis unavailable while taking %s (%s); trying again", lock.name, error)
            time.sleep(1)


@contextmanager
def project_lock(project_id: str, timeout: float | None = None, owner: str = "") -> Iterator[None]:
    """Hold the project's lock; wait for it at most `timeout` s (default: the operation deadline)."""
    wait = settings.WEBGNS_OPERATION_DEADLINE if timeout is None else timeout
    key = lock_key(project_id)
    lock = _redis().lock(key, timeout=LOCK_TTL_SECONDS, blocking_timeout=wait)
    token = f"{owner or 'task'}:{uuid.uuid4().hex}"
    if not _acquire(lock, token, wait):
        raise TimeoutError(f"project {project_id} stayed locked for {wait:.0f} s (holder: {lock_holder(project_id)})")
    stop = threading.Event()
    keeper = threading.Thread(target=_keep_alive, args=(key, token, stop), daemon=True, name=f"lock-{project_id}")
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()
        try:
            _redis().eval(_RELEASE_IF_OWNED_BY, 1, key, token)
        except redis.RedisError as error:  # it expires on its own
            log.warning("could not release lock %s: %s", key, error)
