"""Full-stack fixtures: labs built through the REST API, run by a real worker on real Docker.

Every project a test creates is removed from the host afterwards, even when the test fails.
"""

import docker
import pytest

from tests.conftest import wait_for
from tests.labs.factories import create_project


@pytest.fixture
def docker_client():
    client = docker.from_env()
    yield client
    client.close()


@pytest.fixture
def lab_project(api, worker, templates, docker_client):
    """A new project; the host is cleaned of it afterwards through the engine."""
    created = []

    def make(name: str = "lab") -> dict:
        project = create_project(api, name)
        created.append(project["id"])
        return project

    # A project made another way (an example, an import) is cleaned up too.
    make.adopt = created.append
    yield make
    from webgns.compute.lab import LabEngine

    engine = LabEngine(docker_client)
    for project_id in created:
        engine.remove_project(project_id)


def node_status(api, project: dict, node: dict) -> str:
    return api.get(f"/api/projects/{project['id']}/nodes/{node['id']}/").json()["status"]


def wait_status(api, project: dict, nodes: list[dict], status: str, timeout: float = 60) -> None:
    wait_for(lambda: all(node_status(api, project, n) == status for n in nodes), timeout,
             what=f"nodes {[n['name'] for n in nodes]} to be {status}")


def run(api, project: dict, node: dict, command: str, timeout: float = 20) -> dict:
    """The command's result; one with a timeout past WEBGNS_EXEC_WAIT_MAX runs as a job (202),
    whose result is read as a client would, at the URL it answers with."""
    response = api.post(f"/api/projects/{project['id']}/nodes/{node['id']}/exec/",
                        {"command": command, "timeout": timeout}, format="json")
    if response.status_code == 202:
        url = response.json()["url"]

        def finished():
            body = api.get(url).json()
            return body if body["status"] != "running" else None

        result = wait_for(finished, timeout + 30, what=f"the result of {command!r}")
        assert result["status"] == "done", result
        return result
    assert response.status_code == 200, response.content
    return response.json()


def pings(api, project: dict, node: dict, address: str) -> bool:
    return run(api, project, node, f"ping -c 1 -W 1 {address}")["exit_code"] == 0


def start(api, project: dict) -> str:
    response = api.post(f"/api/projects/{project['id']}/start/")
    assert response.status_code == 202, response.content
    return response.json()["operation"]


def stop(api, project: dict) -> str:
    response = api.post(f"/api/projects/{project['id']}/stop/")
    assert response.status_code == 202, response.content
    return response.json()["operation"]


def wait_operation(api, operation_id: str, timeout: float = 120) -> dict:
    def finished():
        op = api.get(f"/api/operations/{operation_id}/").json()
        return op if op["status"] in ("done", "error") else None

    return wait_for(finished, timeout, what=f"operation {operation_id}")


def start_lab(api, project: dict, nodes: list[dict], timeout: float = 180) -> None:
    """Start the whole lab and wait until its operation is done and every node in `nodes` runs."""
    assert wait_operation(api, start(api, project), timeout=timeout)["status"] == "done"
    wait_status(api, project, nodes, "started")


def needs_images(docker_client, *images: str) -> None:
    """Skip (naming what is missing and how it was looked for) unless the node images are built."""
    for image in images:
        if not docker_client.images.list(name=image):
            pytest.skip(reason=f"image {image} is missing: scripts/build-images.sh builds it (tried docker image ls)")


def instantiate_example(api, lab_project, example: str, name: str) -> tuple[dict, dict[str, dict]]:
    """A project made from one of examples/ (removed with the test's other labs), and its nodes by name."""
    response = api.post(f"/api/examples/{example}/instantiate/?name={name}")
    assert response.status_code == 201, response.content
    project = response.json()
    lab_project.adopt(project["id"])
    return project, {n["name"]: n for n in api.get(f"/api/projects/{project['id']}/nodes/").json()}
