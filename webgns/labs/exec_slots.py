"""Per-user admission for exec: at most WEBGNS_EXEC_PER_USER commands of one user in flight.

Exec runs on a queue of its own ("exec") so it never takes a lab operation's worker slot; this
bounds what one user can hold of that queue. Slots are members of a Redis sorted set scored by
when they expire (the command's timeout plus a margin), so a web process that dies mid-request
leaks nothing: an expired slot is dropped at the next admission.
"""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from webgns.redis_client import redis_client as _redis

# Queueing behind other execs and the result's way back, on top of the command's own timeout.
MARGIN_SECONDS = 60


class TooManyExecs(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"You already have {limit} commands running (the limit per user, WEBGNS_EXEC_PER_USER); "
                         "wait for one to finish.")




def take_slot(user_id: object, timeout: float) -> str:
    """A slot for one command of `user_id` (expiring after its timeout and the margin), or TooManyExecs."""
    key = f"webgns:exec-slots:{user_id}"
    limit = settings.WEBGNS_EXEC_PER_USER
    slot = uuid.uuid4().hex
    now = time.time()
    pipe = _redis().pipeline()
    pipe.zremrangebyscore(key, "-inf", now)
    pipe.zadd(key, {slot: now + timeout + MARGIN_SECONDS})
    pipe.zcard(key)
    pipe.expire(key, int(timeout + MARGIN_SECONDS) + 1)
    in_flight = pipe.execute()[2]
    if in_flight > limit:
        release_slot(user_id, slot)
        raise TooManyExecs(limit)
    return slot


def release_slot(user_id: object, slot: str) -> None:
    _redis().zrem(f"webgns:exec-slots:{user_id}", slot)


@contextmanager
def exec_slot(user_id: object, timeout: float) -> Iterator[None]:
    slot = take_slot(user_id, timeout)
    try:
        yield
    finally:
        release_slot(user_id, slot)
