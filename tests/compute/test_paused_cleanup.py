"""Paused (warm-pool) containers are not left behind: the orphan sweep and a project's removal
take frozen containers too, and stopping a frozen node does not wait out the stop grace period."""

from __future__ import annotations

import time

import pytest

from webgns.compute import freezer
from webgns.compute.docker_nodes import STOP_GRACE_SECONDS
from webgns.compute.labels import PROJECT_LABEL
from webgns.compute.specs import STOPPED

pytestmark = pytest.mark.integration


def _containers(docker_client, project_id: str) -> list[dict]:
    return docker_client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={project_id}"})


def _paused_lab(lab, docker_client) -> None:
    # A command that ends on SIGTERM (an interactive shell would ignore it): the stop test times it.
    a, b = lab.node("a", start_command="exec sleep 3600"), lab.node("b")
    lab.start()
    lab.link(a, "eth0", b, "eth0")
    lab.plumb()
    assert freezer.pause_project(docker_client, lab.project_id) == 2
    assert {c["State"] for c in _containers(docker_client, lab.project_id)} == {"paused"}


def test_orphan_sweep_removes_paused_containers(lab, docker_client):
    _paused_lab(lab, docker_client)
    removed = lab.engine.remove_orphans(set(), only={lab.project_id})
    assert sum(item.startswith("container ") for item in removed) == 2
    assert _containers(docker_client, lab.project_id) == []


def test_remove_project_removes_paused_containers(lab, docker_client):
    _paused_lab(lab, docker_client)
    lab.engine.remove_project(lab.project_id)
    assert _containers(docker_client, lab.project_id) == []


def test_stopping_a_paused_node_is_prompt(lab, docker_client):
    _paused_lab(lab, docker_client)
    node = next(n for n in lab.nodes.values() if n.name == "a")
    started = time.monotonic()
    state = lab.engine.stop_node(node, list(lab.links.values()))
    took = time.monotonic() - started
    assert state.status == STOPPED
    # A thawed `sleep` ends on SIGTERM at once; a frozen one only on the SIGKILL after the grace.
    assert took < STOP_GRACE_SECONDS - 1, f"stop took {took:.1f} s (grace {STOP_GRACE_SECONDS} s)"
