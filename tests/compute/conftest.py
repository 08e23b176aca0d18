"""Fixtures for engine tests: a real LabEngine on the real dockerd, one throwaway project per test.

Every test builds its lab through `lab` (a `LabBuilder`), whose finalizer calls
`remove_project` for the test's unique project id, so containers, OVS bridges and host ports go
away even when the test fails. Lab addresses are in 10.0.0.0/8 only.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from webgns.compute.lab import LabEngine
from webgns.compute.specs import BRIDGE, DOCKER, OVS, STARTED, Endpoint, Impairment, LinkSpec, NodeSpec

IMAGE = "webgns/busybox:latest"
NO_IMPAIRMENT = Impairment()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as error:
        pytest.skip(reason=f"needs a running dockerd: {error}")
    try:
        client.images.get(IMAGE)
    except docker.errors.ImageNotFound:
        pytest.skip(reason=f"needs the {IMAGE} image (built from images/busybox/Dockerfile)")
    return client


@pytest.fixture(scope="session")
def engine(docker_client: docker.DockerClient) -> LabEngine:
    return LabEngine(docker_client)


@pytest.fixture(scope="session")
def ovs_running() -> None:
    """Open vSwitch daemons up (scripts/start-ovs.sh is idempotent), or the test is skipped."""
    done = subprocess.run([str(REPO / "scripts/start-ovs.sh")], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        pytest.skip(reason=f"needs Open vSwitch: scripts/start-ovs.sh failed: {done.stderr.strip()}")


class LabBuilder:
    """Specs for one throwaway project, plus the shortcuts tests use to drive it."""

    def __init__(self, engine: LabEngine) -> None:
        self.engine = engine
        self.project_id = str(uuid.uuid4())
        self.nodes: dict[str, NodeSpec] = {}
        self.links: dict[str, LinkSpec] = {}

    def node(self, name: str, kind: str = DOCKER, ports: int = 1, **fields: object) -> NodeSpec:
        fields.setdefault("image", "" if kind == OVS else IMAGE)
        spec = NodeSpec(
            id=str(uuid.uuid4()),
            project_id=self.project_id,
            name=name,
            kind=kind,
            ports=tuple(f"eth{i}" for i in range(ports)),
            **fields,
        )
        self.nodes[spec.id] = spec
        return spec

    def switch(self, name: str, kind: str = BRIDGE, ports: int = 8) -> NodeSpec:
        return self.node(name, kind=kind, ports=ports)

    def link(self, a: NodeSpec, port_a: str, b: NodeSpec, port_b: str, a_to_b: Impairment = NO_IMPAIRMENT) -> LinkSpec:
        spec = LinkSpec(
            id=str(uuid.uuid4()),
            project_id=self.project_id,
            a=Endpoint(a.id, port_a),
            b=Endpoint(b.id, port_b),
            a_to_b=a_to_b,
        )
        self.links[spec.id] = spec
        return spec

    def start(self, *nodes: NodeSpec) -> None:
        states = self.engine.start_nodes(nodes or list(self.nodes.values()))
        bad = {self.nodes[i].name: s for i, s in states.items() if s.status != STARTED}
        assert not bad, f"nodes did not start: {bad}"

    def plumb(self, *links: LinkSpec) -> None:
        states = self.engine.plumb_links(links or list(self.links.values()), self.nodes)
        bad = {i: s for i, s in states.items() if s.status != "up"}
        assert not bad, f"links not up: {bad}"

    def sh(self, node: NodeSpec, command: str, timeout: float = 20) -> str:
        result = self.engine.exec(node, command, timeout=timeout)
        assert result.exit_code == 0, f"{node.name}: `{command}` exited {result.exit_code}: {result.output}"
        return result.output

    def address(self, node: NodeSpec, cidr: str, port: str = "eth0") -> None:
        self.sh(node, f"ip addr add {cidr} dev {port}")

    def pings(self, node: NodeSpec, address: str, count: int = 1, wait: int = 2) -> bool:
        result = self.engine.exec(node, f"ping -c {count} -W {wait} {address}", timeout=count * wait + 10)
        return result.exit_code == 0


@pytest.fixture
def lab(engine: LabEngine) -> Iterator[LabBuilder]:
    builder = LabBuilder(engine)
    yield builder
    engine.remove_project(builder.project_id)


@pytest.fixture
def plain_namespaces() -> Iterator:
    """make("a") -> the name of a fresh `ip netns` namespace (lo up), deleted after the test."""
    if shutil.which("ip") is None:
        pytest.skip(reason="needs iproute2's ip command")
    prefix = f"wgtns-{uuid.uuid4().hex[:6]}"
    made: list[str] = []

    def make(suffix: str) -> str:
        name = f"{prefix}-{suffix}"
        subprocess.run(["ip", "netns", "add", name], check=True)
        made.append(name)
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        return name

    yield make
    for name in made:
        subprocess.run(["ip", "netns", "del", name], check=False)
