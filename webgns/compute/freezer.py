"""Pausing and resuming a lab's containers (Docker's pause: the cgroup freezer), for the warm pool.

Division of labour: the classroom's warm pool decides which copy to freeze and when; this module
only freezes or thaws every container labelled with a project. A paused container keeps its
memory, its network namespace and every link plumbed into it, and resumes in milliseconds.
Both calls are idempotent: pausing a paused container or resuming a running one is a no-op.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import docker
from docker.errors import APIError, NotFound

from webgns.compute.labels import PROJECT_LABEL

THAW_PARALLELISM = 8


def _containers(client: docker.DockerClient, project_id: str) -> list[dict]:
    # The low-level listing: the high-level one inspects each container and races with removals.
    return client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={project_id}"})


def pause_project(client: docker.DockerClient, project_id: str) -> int:
    """Freeze every running container of the project; returns how many are paused now."""
    paused = 0
    for container in _containers(client, project_id):
        if container["State"] == "paused":
            paused += 1
        elif container["State"] == "running":
            try:
                client.api.pause(container["Id"])
                paused += 1
            except (APIError, NotFound):
                continue
    return paused


def _unpause(client: docker.DockerClient, container_id: str) -> bool:
    try:
        client.api.unpause(container_id)
        return True
    except (APIError, NotFound):
        return False


def unpause_project(client: docker.DockerClient, project_id: str) -> int:
    """Thaw every paused container of the project (all at once); returns how many were thawed.

    A student waits on this after pressing Start: one Docker round trip per container in a row
    is what they would feel, so the thaws go out together (each is a cgroup write for dockerd).
    """
    paused = [c["Id"] for c in _containers(client, project_id) if c["State"] == "paused"]
    if len(paused) <= 1:
        return sum(_unpause(client, c) for c in paused)
    with ThreadPoolExecutor(max_workers=min(len(paused), THAW_PARALLELISM), thread_name_prefix="webgns-thaw") as pool:
        return sum(pool.map(lambda c: _unpause(client, c), paused))
