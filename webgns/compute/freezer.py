"""Pausing and resuming a lab's containers (Docker's pause: the cgroup freezer), for the warm pool.

Division of labour: the classroom's warm pool decides which copy to freeze and when; this module
only freezes or thaws every container labelled with a project. A paused container keeps its
memory, its network namespace and every link plumbed into it, and resumes in milliseconds.
Both calls are idempotent: pausing a paused container or resuming a running one is a no-op.
"""

from __future__ import annotations

import docker
from docker.errors import APIError, NotFound

from webgns.compute.labels import PROJECT_LABEL


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


def unpause_project(client: docker.DockerClient, project_id: str) -> int:
    """Thaw every paused container of the project; returns how many were thawed."""
    thawed = 0
    for container in _containers(client, project_id):
        if container["State"] == "paused":
            try:
                client.api.unpause(container["Id"])
                thawed += 1
            except (APIError, NotFound):
                continue
    return thawed
