"""Per-user admission for consoles: at most WEBGNS_CONSOLES_PER_USER open at once, over every web process.

A console holds a shell (or a place in someone's shell) on the node's host until its socket
closes; without a bound, one user's forty sockets starve everyone's consoles. Slots are members
of a Redis sorted set scored by when they lapse; an open console refreshes its slot every
REFRESH_SECONDS, so a web process that dies leaks its slots for at most LAPSE_SECONDS. Staff are
not limited (as for the other per-user limits).
"""

from __future__ import annotations

import time
import uuid

import redis.asyncio as aioredis
from django.conf import settings

LAPSE_SECONDS = 90
REFRESH_SECONDS = 30


def _key(user_id: object) -> str:
    return f"webgns:console-slots:{user_id}"


def refusal(limit: int) -> str:
    """The close reason (a close frame carries at most 123 bytes)."""
    return f"you already have {limit} consoles open (WEBGNS_CONSOLES_PER_USER); close one first"


async def take(user_id: object, limit: int) -> str | None:
    """A slot for one console of `user_id`, or None when the user already holds `limit`."""
    slot, now = uuid.uuid4().hex, time.time()
    client = aioredis.from_url(settings.REDIS_URL)
    try:
        # One MULTI: add, then count; a console over the limit takes its slot back (two racing for
        # the last place may both be refused, never both admitted).
        pipe = client.pipeline()
        pipe.zremrangebyscore(_key(user_id), "-inf", now)
        pipe.zadd(_key(user_id), {slot: now + LAPSE_SECONDS})
        pipe.zcard(_key(user_id))
        pipe.expire(_key(user_id), LAPSE_SECONDS + 1)
        held = (await pipe.execute())[2]
        if held > limit:
            await client.zrem(_key(user_id), slot)
            return None
        return slot
    finally:
        await client.aclose()


async def refresh(user_id: object, slot: str) -> None:
    client = aioredis.from_url(settings.REDIS_URL)
    try:
        await client.zadd(_key(user_id), {slot: time.time() + LAPSE_SECONDS}, xx=True)
        await client.expire(_key(user_id), LAPSE_SECONDS + 1)
    finally:
        await client.aclose()


async def release(user_id: object, slot: str) -> None:
    client = aioredis.from_url(settings.REDIS_URL)
    try:
        await client.zrem(_key(user_id), slot)
    finally:
        await client.aclose()
