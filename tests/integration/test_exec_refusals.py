"""Exec on a node that cannot run commands answers 409 with a JSON body naming the node, never 500:
a container killed behind webgns's back, dockerd not answering, an OVS switch."""

import docker
import pytest

from tests.integration.conftest import run, start, wait_operation, wait_status
from tests.labs.factories import create_node
from webgns.compute.labels import container_name
from webgns.labs.models import Node
from webgns.tasks import host_tasks
from webgns.tasks.specs_from_models import node_spec

pytestmark = pytest.mark.integration


def _exec(api, project: dict, node: dict, command: str = "true"):
    return api.post(f"/api/projects/{project['id']}/nodes/{node['id']}/exec/", {"command": command, "timeout": 5},
                    format="json")


def test_exec_on_a_node_whose_container_died(api, lab_project, templates, docker_client):
    project = lab_project("dead")
    node = create_node(api, project, templates["busybox"], "pc1")
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [node], "started")
    assert run(api, project, node, "true")["exit_code"] == 0
    docker_client.api.kill(container_name(node_spec(Node.objects.get(pk=node["id"]))))
    response = _exec(api, project, node)
    assert response.status_code == 409, response.content
    assert "pc1" in response.json()["node"][0] and "not running" in response.json()["node"][0]
    docker_client.api.remove_container(container_name(node_spec(Node.objects.get(pk=node["id"]))), force=True)
    response = _exec(api, project, node)
    assert response.status_code == 409, response.content


def test_exec_with_dockerd_not_answering(api, lab_project, templates, monkeypatch):
    # dockerd serves others on this host and must not be stopped: the worker's engine is pointed at a
    # socket where no daemon listens, which is what a stopped dockerd looks like to the docker SDK.
    from webgns.compute.lab import LabEngine

    dead = LabEngine(docker.DockerClient(base_url="unix:///nonexistent/docker.sock", version="1.41", timeout=2))
    monkeypatch.setattr(host_tasks, "lab_engine", lambda: dead)
    project = lab_project("nodocker")
    node = create_node(api, project, templates["busybox"], "pc1")
    Node.objects.filter(pk=node["id"]).update(status="started")
    response = _exec(api, project, node)
    assert response.status_code == 409, response.content
    assert "not answering" in response.json()["node"][0]


def test_exec_on_an_ovs_switch_never_reaches_the_worker(api, lab_project, templates):
    project = lab_project("ovs")
    switch = create_node(api, project, templates["ovs"], "sw1")
    Node.objects.filter(pk=switch["id"]).update(status="started")
    for _ in range(3):
        response = _exec(api, project, switch)
        assert response.status_code == 409 and "Open vSwitch" in response.json()["node"][0]
