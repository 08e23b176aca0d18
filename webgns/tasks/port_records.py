"""The last record of each running node's lab ports (addresses, routes), kept in Redis by its host's
worker, and put back on the node's surviving neighbours when a node killed outside webgns comes back.

Division of labour: the engine reads and restores (compute/port_memory.py); this module decides
when (after a start's startup lines, at every reconcile) and keeps the records (Redis, a week).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import redis

from webgns.compute.specs import NodeSpec
from webgns.redis_client import redis_client

log = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 3600


def _key(node_id: str) -> str:
    return f"webgns:ports:{node_id}"


def remember(engine, nodes: Iterable[NodeSpec]) -> int:
    """Read and keep the ports of each running node; returns how many were kept.

    A port missing now (its peer's node died and took it) keeps what it carried when last seen,
    as long as the namespace is the same: that is what its return must bring back."""
    kept = 0
    for node in nodes:
        try:
            record = engine.remember_ports(node)
            if record is not None:
                before = redis_client().get(_key(node.id))
                old = json.loads(before) if before else {}
                if old.get("netns") == record["netns"]:
                    for port, carried in old.get("ports", {}).items():
                        record["ports"].setdefault(port, carried)
                redis_client().set(_key(node.id), json.dumps(record), ex=KEEP_SECONDS)
                kept += 1
        except redis.RedisError:
            log.warning("ports of %s not recorded: Redis is unavailable", node.name)
            return kept
        except Exception:  # a node that stopped meanwhile: the next pass records it
            log.debug("ports of %s not recorded", node.name, exc_info=True)
    return kept


def restore(engine, node: NodeSpec) -> list[str] | None:
    """Put back what the node's ports carried when last recorded, if it is the same namespace.

    None when there is no record or the node runs in a new namespace (it started again: its
    startup lines configure it); otherwise what was put back (possibly nothing)."""
    try:
        raw = redis_client().get(_key(node.id))
    except redis.RedisError:
        return None
    if not raw:
        return None
    return engine.restore_ports(node, json.loads(raw))

