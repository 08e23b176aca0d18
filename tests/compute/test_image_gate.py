"""The engine hands Docker only image references, and pulls only from registries it is allowed."""

import pytest

from tests.compute.conftest import LabBuilder
from webgns.compute.lab import LabEngine
from webgns.compute.specs import ERROR, STARTED


@pytest.fixture
def gated_lab(docker_client):
    builder = LabBuilder(LabEngine(docker_client, allowed_registries=()))
    yield builder
    builder.engine.remove_project(builder.project_id)


def test_no_pull_from_a_registry_not_allowed(gated_lab):
    # A registry on loopback port 9: were the pull attempted it would fail differently (connection refused).
    missing = gated_lab.node("ghost", image="127.0.0.1:9/webgns-no-such-image:1")
    hub = gated_lab.node("hub", image="webgns-no-such-image-anywhere:1")
    local = gated_lab.node("local")
    states = gated_lab.engine.start_nodes([missing, hub, local])
    assert states[local.id].status == STARTED  # an image already on the host needs no pull
    assert states[missing.id].status == ERROR
    assert "registry 127.0.0.1:9 is not one it may pull from" in states[missing.id].error
    assert states[hub.id].status == ERROR
    assert "registry docker.io is not one it may pull from" in states[hub.id].error


@pytest.mark.parametrize("image", ["../../containers/x", "webgns/busybox:latest/../../x", "a b", "UPPER/case"])
def test_path_tricks_never_reach_docker(gated_lab, docker_client, image):
    node = gated_lab.node("tricky", image=image)
    state = gated_lab.engine.start_nodes([node])[node.id]
    assert state.status == ERROR
    assert "is not a Docker image reference" in state.error
