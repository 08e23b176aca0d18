"""Fixtures for two-host tests: host b (tests/multihost/second_host.py), made once per module."""

from __future__ import annotations

import shutil

import docker
import pytest

from .second_host import IMAGE, SecondHostUnavailable, start_second_host, stop_second_host


@pytest.fixture(scope="module")
def host_b():
    for tool in ("dockerd", "nsenter", "ip"):
        if shutil.which(tool) is None:
            pytest.skip(reason=f"a second compute host needs {tool}")
    try:
        docker.from_env().images.get(IMAGE)
    except docker.errors.DockerException as error:
        pytest.skip(reason=f"needs a running dockerd with {IMAGE}: {error}")
    try:
        host = start_second_host()
    except SecondHostUnavailable as error:
        pytest.fail(f"host b could not be started: {error}")
    yield host
    stop_second_host(host)
