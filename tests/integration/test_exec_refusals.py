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


def test_a_long_command_runs_as_a_job_the_client_polls(api, make_api, lab_project, templates):
    """No web thread waits for it: 202 at once, `running` while it sleeps, then its output; the
    job's id is no use on another node or to a user without the project."""
    import time as _time

    project = lab_project("job")
    node = create_node(api, project, templates["busybox"], "pc1")
    other = create_node(api, project, templates["busybox"], "pc2")
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [node, other], "started")
    url = f"/api/projects/{project['id']}/nodes/{node['id']}/exec/"
    began = _time.monotonic()
    response = api.post(url, {"command": "sleep 2; echo slept", "timeout": 60}, format="json")
    assert response.status_code == 202, response.content
    assert _time.monotonic() - began < 2  # answered before the command could have ended
    job = response.json()
    assert job["status"] == "running" and job["url"] == f"{url}{job['id']}/"
    assert api.get(job["url"]).json()["status"] == "running"
    assert api.get(f"/api/projects/{project['id']}/nodes/{other['id']}/exec/{job['id']}/").status_code == 404
    assert make_api("mallory").get(job["url"]).status_code == 404

    def finished():
        body = api.get(job["url"]).json()
        return body if body["status"] != "running" else None

    from tests.waiting import wait_for

    done = wait_for(finished, 60, what="the job's result")
    assert done["status"] == "done" and done["exit_code"] == 0 and done["output"].strip() == "slept"
    # A short one still answers in the same request unless told not to wait; a long one cannot.
    assert api.post(url, {"command": "echo now", "timeout": 5}, format="json").json()["output"].strip() == "now"
    refused = api.post(url, {"command": "true", "timeout": 60, "wait": True}, format="json")
    assert refused.status_code == 400 and "WEBGNS_EXEC_WAIT_MAX" in refused.json()["wait"][0]
    queued = api.post(url, {"command": "echo later", "timeout": 5, "wait": False}, format="json")
    assert queued.status_code == 202
    later = wait_for(lambda: api.get(queued.json()["url"]).json()["status"] == "done" and
                     api.get(queued.json()["url"]).json(), 30, what="the short job")
    assert later["output"].strip() == "later"
