"""How much a node has written to its own filesystem, and what limits the log Docker keeps of it.

Division of labour: docker_nodes.py creates containers (with the log limits below, and a storage
quota where the storage driver has one); this module measures a running node's writable layer
(its overlay upper directory) the way `du` does; the reconcile task compares the figure with the
operator's limit and stops a node past it, with the reason. Docker's own quota (`--storage-opt
size=`) exists only for overlay2 on xfs with project quotas; everywhere else the measure is it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

# Docker's json-file log of a node's console output: at most LOG_MAX_FILES × LOG_MAX_SIZE.
LOG_MAX_SIZE = "1m"
LOG_MAX_FILES = 2
LOG_CONFIG = {"type": "json-file", "config": {"max-size": LOG_MAX_SIZE, "max-file": str(LOG_MAX_FILES)}}
# A walk stops counting after this many entries: a node that made more files than this is
# reported at least as large as what was counted, and the walk stays bounded in time.
MAX_ENTRIES = 500_000


def upper_dir(info: Mapping[str, Any]) -> str | None:
    """The container's writable layer on the host (overlay2's UpperDir), from `inspect`."""
    data = (info.get("GraphDriver") or {}).get("Data") or {}
    path = data.get("UpperDir")
    return path if path and os.path.isdir(path) else None


def used_bytes(path: str, max_entries: int = MAX_ENTRIES) -> int:
    """Bytes of disk the tree under `path` takes (allocated blocks, each inode once, no symlink
    followed, no other filesystem entered)."""
    seen: set[tuple[int, int]] = set()
    total, entries = 0, 0
    root_device = os.lstat(path).st_dev
    stack = [path]
    while stack and entries < max_entries:
        directory = stack.pop()
        try:
            with os.scandir(directory) as listing:
                for entry in listing:
                    entries += 1
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.st_dev != root_device:
                        continue
                    if (stat.st_dev, stat.st_ino) not in seen:
                        seen.add((stat.st_dev, stat.st_ino))
                        total += stat.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:  # removed while we walked: what is gone takes no disk
            continue
    return total
