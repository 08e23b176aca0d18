"""A template's console shell: `?shell=vtysh` on an FRR router opens vtysh, not bash; a shell the
template does not offer is refused with 4400."""

import uuid

import docker
import pytest

from tests.conftest import wait_for
from tests.integration.conftest import needs_images
from tests.labs.factories import create_node, create_project
from tests.live.conftest import start_project, token_of, wait_node_status
from tests.live.test_console_consumer import console_path
from webgns.live import close_codes

pytestmark = pytest.mark.integration


@pytest.fixture
def router_lab(worker, api, templates):
    needs_images(docker.from_env(), "webgns/frr:latest")
    project = create_project(api, f"vtysh-{uuid.uuid4().hex[:6]}")
    node = create_node(api, project, templates["frr"], "r1")
    assert start_project(api, project)["status"] == "done"
    node = wait_node_status(api, project, node, "started")
    yield {"project": project, "node": node, "token": token_of(api)}
    api.delete(f"/api/projects/{project['id']}/")
    client = docker.from_env()
    wait_for(lambda: not client.api.containers(all=True, filters={"label": f"webgns.project={project['id']}"}),
             timeout=60, what="the lab's containers removed")


async def test_vtysh_console_and_refused_shell(router_lab, communicator):
    path = console_path(router_lab["project"]["id"], router_lab["node"]["id"])
    comm = communicator(path, token=router_lab["token"], shell="vtysh")
    connected, _ = await comm.connect(timeout=10)
    assert connected
    seen = b""
    try:
        while b"r1#" not in seen:  # vtysh's prompt: hostname and '#'
            seen += (await comm.receive_output(timeout=15))["bytes"]
        await comm.send_to(bytes_data=b"show version\r")
        while b"FRRouting" not in seen:
            seen += (await comm.receive_output(timeout=15))["bytes"]
    finally:
        await comm.disconnect()
    refused = communicator(path, token=router_lab["token"], shell="bash")
    connected, _ = await refused.connect(timeout=10)
    assert connected, "accepted first, so that the close code reaches the client"
    closed = await refused.receive_output(timeout=10)
    assert closed["type"] == "websocket.close" and closed["code"] == close_codes.BAD_REQUEST
    assert "vtysh" in closed.get("reason", "")
    await refused.wait()
