"""What this compute host offers lab nodes: processors and memory, read from the kernel.

Division of labour: this module only measures (`measure`); the worker's heartbeat
(`webgns.tasks.host_heartbeat`) sends the figures to the database every few seconds, and the
scheduler (`webgns.labs.scheduler`) places nodes by them. How much of the memory lab nodes may
take is the operator's choice (`node_memory_mb`), not the kernel's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MEMINFO = "/proc/meminfo"


@dataclass(frozen=True)
class HostCapacity:
    cpus: int
    memory_mb: int  # all of the host's memory
    memory_available_mb: int  # what the kernel could give without swapping, now


def _meminfo(path: str) -> dict[str, int]:
    values: dict[str, int] = {}
    with open(path, encoding="ascii") as lines:
        for line in lines:
            key, _, rest = line.partition(":")
            fields = rest.split()
            if fields and fields[0].isdigit():
                values[key] = int(fields[0])  # kB
    return values


def measure(meminfo: str = MEMINFO) -> HostCapacity:
    info = _meminfo(meminfo)
    total = info.get("MemTotal", 0)
    available = info.get("MemAvailable", info.get("MemFree", 0))
    return HostCapacity(cpus=len(os.sched_getaffinity(0)), memory_mb=total // 1024,
                        memory_available_mb=available // 1024)
