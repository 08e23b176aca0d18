"""Who is watching a project: a count of open events sockets, and the link-load sampler's lease.

Division of labour: the events consumer counts itself in and out here; the worker's link-load
sampler (`webgns.tasks.link_load`) runs while the count is above zero and holds a lease key
refreshed every second, so exactly one sampler runs per project, and a sampler lost with its
worker is replaced by the next socket that opens (it finds no lease and asks for one).
The count is a Redis counter: a Daphne process killed with sockets open leaves it too high
until `COUNT_TTL_SECONDS` pass without a connect (the sampler then runs for nobody meanwhile).
"""

from __future__ import annotations

from webgns.redis_client import redis_client as _redis

COUNT_TTL_SECONDS = 24 * 3600
LEASE_SECONDS = 3




def count_key(project_id: object) -> str:
    return f"webgns:subscribers:{project_id}"


def lease_key(project_id: object, host: str) -> str:
    return f"webgns:linkload:{project_id}:{host}"


def joined(project_id: object) -> None:
    """Count one subscriber in (a sampler runs while the count is above zero: see `wake_samplers`)."""
    pipe = _redis().pipeline()
    pipe.incr(count_key(project_id))
    pipe.expire(count_key(project_id), COUNT_TTL_SECONDS)
    pipe.execute()


def left(project_id: object) -> None:
    # Never below zero, even if a count expired while its sockets were open.
    _redis().eval("local n = redis.call('DECR', KEYS[1]) if n <= 0 then redis.call('DEL', KEYS[1]) end return n",
                  1, count_key(project_id))


def count(project_id: object) -> int:
    return int(_redis().get(count_key(project_id)) or 0)


def unleased(project_id: object, hosts: list[str]) -> list[str]:
    """The hosts (of `hosts`) where no sampler of the project holds the lease."""
    pipe = _redis().pipeline()
    for host in hosts:
        pipe.exists(lease_key(project_id, host))
    return [host for host, taken in zip(hosts, pipe.execute(), strict=True) if not taken]


def wake_samplers(project_id: object, hosts: list[str]) -> None:
    """Ask each of `hosts` that has no sampler of the project for one, on its compute queue. By
    task name: neither the web tier nor this module imports the engine the sampler drives."""
    from webgns.celery import app
    from webgns.tasks.queues import compute_queue

    for host in unleased(project_id, hosts):
        app.send_task("webgns.tasks.link_load.sample_link_load", args=[str(project_id)], queue=compute_queue(host))


def take_lease(project_id: object, owner: str, host: str) -> bool:
    return bool(_redis().set(lease_key(project_id, host), owner, nx=True, ex=LEASE_SECONDS))


def renew_lease(project_id: object, owner: str, host: str) -> bool:
    """Extend our lease; False if it is no longer ours (it expired and another sampler took it)."""
    renewed = _redis().eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0",
        1, lease_key(project_id, host), owner, LEASE_SECONDS)
    return bool(renewed)


def release_lease(project_id: object, owner: str, host: str) -> None:
    _redis().eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                  1, lease_key(project_id, host), owner)
