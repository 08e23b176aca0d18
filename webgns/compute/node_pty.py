"""Ending what a Docker exec started on this host: the one place that kills an exec's process tree.

Division of labour: `node_exec` (commands with a timeout) and the console's PTY session
(`pty_session`, which opens the PTY) both ask Docker for an exec's host PID and hand it here. Docker
does not end an exec'd process when its client goes away (moby #9098), so the caller must run on the
node's own host: the PIDs are that host's.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path


def kill_process_tree(pid: int) -> None:
    """SIGKILL `pid` and all its descendants (twice over, for children forked meanwhile)."""
    if pid <= 0:
        return
    for _ in range(2):
        doomed = _descendants(pid)
        if not doomed:
            return
        for victim in doomed:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(victim, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    """`pid` itself and every process below it, read from /proc; [] when `pid` is gone."""
    if not Path(f"/proc/{pid}").exists():
        return []
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found
