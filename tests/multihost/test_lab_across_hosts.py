"""A lab spanning two compute hosts, driven through the REST API: a webgns worker on each host.

Host a is this machine's namespace and dockerd, served by the live stack's own worker
(`WEBGNS_COMPUTE_HOST=a`); host b is `second_host.py`'s namespace and dockerd, served by a real
webgns worker started inside that namespace (`nsenter --net=`, `WEBGNS_COMPUTE_HOST=b`,
`DOCKER_HOST` = host b's dockerd) that consumes `compute.b` and `exec.b`. Both reach the same
SQLite file (a file crosses namespaces) and a redis-server of this module's own, bound to
127.0.0.1 and host a's underlay address (host b's namespace reaches only the latter).

Nodes are placed by writing `Node.compute_host` in the database (the staff pin API belongs to
the scheduler's branch). Everything of host b (namespace, dockerd, worker) and the Redis server
is started and removed by fixtures, also when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import docker
import pytest
import redis

from tests.live_stack import ROOT, VENV_BIN, LiveStack, _finished_startup

from .second_host import HOST_A_UNDERLAY, HOST_B_UNDERLAY, SecondHost

pytestmark = [pytest.mark.multihost, pytest.mark.integration]

RATE_KBPS = 2000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on 127.0.0.1 and host a's underlay address."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://{HOST_A_UNDERLAY}:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", f"127.0.0.1 {HOST_A_UNDERLAY}", "--save", "",
             "--appendonly", "no", "--protected-mode", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis.from_url(self.url).ping():
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        _stop_group(self.process)


class HostBWorker:
    """`celery -A webgns worker` inside host b's namespace, serving compute host "b"."""

    def __init__(self, stack: LiveStack, host: SecondHost) -> None:
        self.log = stack.log_dir / "worker-b.log"
        self.env = {**stack.env, "WEBGNS_COMPUTE_HOST": "b", "WEBGNS_UNDERLAY_ADDRESS": HOST_B_UNDERLAY,
                    "DOCKER_HOST": host.docker_url}
        self.command = ["nsenter", f"--net={host.netns}", str(VENV_BIN / "celery"), "-A", "webgns", "worker",
                        "-Q", "compute.b,exec.b", "--pool", "threads", "--concurrency", "4", "-l", "INFO",
                        "-n", f"host-b-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
                        "--without-heartbeat"]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> HostBWorker:
        mark = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=open(self.log, "ab"),  # noqa: SIM115
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not _finished_startup(self.log.read_bytes()[mark:]):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"host b's worker did not start:\n{self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)


def _stop_group(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


@pytest.fixture(scope="module")
def two_hosts(host_b, tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip(reason="needs redis-server (a Redis of the test's own that host b's namespace can reach)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    stack = LiveStack(redis_url=server.url, compute_host="a", env={"WEBGNS_UNDERLAY_ADDRESS": HOST_A_UNDERLAY})
    worker_b = None
    try:
        stack.start()
        worker_b = HostBWorker(stack, host_b).start()
        yield stack, host_b, worker_b
    finally:
        # Projects are deleted through the API while both workers run; then everything stops.
        with contextlib.suppress(Exception):
            if worker_b is not None and worker_b.process.poll() is not None:
                worker_b.start()
            stack._delete_projects()
        if worker_b is not None:
            worker_b.stop()
        stack.stop()
        server.stop()


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Lab:
    """REST calls on one project of the stack."""

    def __init__(self, stack: LiveStack, name: str) -> None:
        self.stack, self.api = stack, stack.api
        templates = {t["name"]: t["id"] for t in self._get("/api/templates/")}
        self.templates = templates
        self.project = self._post("/api/projects/", {"name": name})

    def url(self, path: str) -> str:
        return f"{self.stack.base_url}{path}"

    def _get(self, path: str):
        response = self.api.get(self.url(path), timeout=30)
        response.raise_for_status()
        body = response.json()
        return body["results"] if isinstance(body, dict) and "results" in body else body

    def _post(self, path: str, body: dict | None = None, status: int | None = None) -> dict:
        response = self.api.post(self.url(path), json=body or {}, timeout=60)
        assert response.status_code < 300 if status is None else response.status_code == status, response.text
        return response.json()

    def node(self, name: str, template: str, host: str, **extra) -> dict:
        node = self._post(f"/api/projects/{self.project['id']}/nodes/",
                          {"name": name, "template": self.templates[template], **extra})
        # Placed on `host` in the database (the pin API is the scheduler's).
        with contextlib.closing(sqlite3.connect(self.stack.env["WEBGNS_DB_PATH"], timeout=30)) as db, db:
            db.execute("UPDATE labs_node SET compute_host = ? WHERE id = ?", (host, uuid.UUID(node["id"]).hex))
        return node

    def link(self, a: dict, a_port: str, b: dict, b_port: str) -> dict:
        return self._post(f"/api/projects/{self.project['id']}/links/",
                          {"a": {"node": a["id"], "port": a_port}, "b": {"node": b["id"], "port": b_port}})

    def links(self) -> dict[str, dict]:
        return {link["id"]: link for link in self._get(f"/api/projects/{self.project['id']}/links/")}

    def nodes(self) -> dict[str, dict]:
        return {node["name"]: node for node in self._get(f"/api/projects/{self.project['id']}/nodes/")}

    def operation(self, path: str, timeout: float = 180) -> dict:
        op_id = self._post(f"/api/projects/{self.project['id']}/{path}")["operation"]

        def finished():
            op = self._get(f"/api/operations/{op_id}/")
            return op if op["status"] in ("done", "error") else None

        return wait_for(finished, timeout, f"operation {path}")

    def exec(self, node: dict, command: str, timeout: int = 30) -> dict:
        response = self.api.post(self.url(f"/api/projects/{self.project['id']}/nodes/{node['id']}/exec/"),
                                 json={"command": command, "timeout": timeout}, timeout=timeout + 30)
        assert response.status_code == 200, response.text
        return response.json()

    def delete(self) -> None:
        assert self.api.delete(self.url(f"/api/projects/{self.project['id']}/"), timeout=30).status_code == 204


def _containers(client: docker.DockerClient, project_id: str) -> list:
    return client.containers.list(all=True, filters={"label": f"webgns.project={project_id}"})


def _pid(client: docker.DockerClient, project_id: str, node_id: str) -> int:
    (container,) = client.containers.list(filters={"label": f"webgns.node={node_id}"})
    return container.attrs["State"]["Pid"]


def _tcp_bps(server_pid: int, client_pid: int, address: str, seconds: int = 3) -> float:
    """iperf3 (the machine's) run in two nodes' namespaces: TCP from client to server, bits/s received."""
    if shutil.which("iperf3") is None:
        pytest.skip(reason="needs iperf3 on the machine (apt-get install iperf3) to measure TCP through the link")
    server = subprocess.Popen(["nsenter", f"--net=/proc/{server_pid}/ns/net", "iperf3", "-s", "-1", "-B", address],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        report: dict = {"error": "never ran"}
        for _ in range(50):  # until the server listens
            done = subprocess.run(["nsenter", f"--net=/proc/{client_pid}/ns/net", "iperf3", "-c", address, "-t",
                                   str(seconds), "-J"], capture_output=True, text=True, timeout=60)  # fmt: skip
            report = json.loads(done.stdout or "{}")
            if "error" not in report:
                return report["end"]["sum_received"]["bits_per_second"]
            time.sleep(0.1)
        raise AssertionError(f"iperf3 never connected: {report.get('error')}")
    finally:
        server.kill()
        server.wait()


def _vxlan_devices(netns: str | None) -> str:
    command = ["ip", "-d", "-o", "link", "show", "type", "vxlan"]
    if netns is not None:
        command = ["ip", "-n", Path(netns).name, *command[1:]]
    return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout


def test_a_lab_on_two_hosts_carries_traffic_is_shaped_and_leaves_nothing(two_hosts):
    stack, host_b, _worker_b = two_hosts
    client_a, client_b = docker.from_env(), host_b.client()
    lab = Lab(stack, f"across-{uuid.uuid4().hex[:6]}")
    # h1 (a) -- h2 (b) directly; h3 (b) and h4 (a) on a bridge switch on host a. h1's startup
    # pings h2: it passes only if every host's ends and h2's address exist before it runs.
    h1 = lab.node("h1", "busybox", "a", startup=["ip addr add 10.81.0.1/24 dev eth0", "ping -c 2 -W 3 10.81.0.2"])
    h2 = lab.node("h2", "busybox", "b", startup=["ip addr add 10.81.0.2/24 dev eth0"])
    h3 = lab.node("h3", "busybox", "b", startup=["ip addr add 10.82.0.3/24 dev eth0"])
    h4 = lab.node("h4", "busybox", "a", startup=["ip addr add 10.82.0.4/24 dev eth0"])
    sw = lab.node("sw", "bridge", "a")
    direct = lab.link(h1, "eth0", h2, "eth0")
    to_b = lab.link(sw, "eth0", h3, "eth0")
    local = lab.link(sw, "eth1", h4, "eth0")
    assert direct["vni"] is not None and to_b["vni"] is not None and direct["vni"] != to_b["vni"]
    assert local["vni"] is None

    op = lab.operation("start/")
    assert op["status"] == "done", op["error"]
    assert {n["name"]: (n["status"], n["compute_host"]) for n in lab.nodes().values()} == {
        "h1": ("started", "a"), "h2": ("started", "b"), "h3": ("started", "b"), "h4": ("started", "a"),
        "sw": ("started", "a")}
    links = wait_for(lambda: (found := lab.links()) and all(lk["status"] == "up" for lk in found.values()) and found,
                     30, "every link up")
    assert {e: links[direct["id"]]["ends"][e]["status"] for e in "ab"} == {"a": "up", "b": "up"}
    # Each node is on its own host's dockerd, and only there.
    assert len(_containers(client_a, lab.project["id"])) == 3
    assert len(_containers(client_b, lab.project["id"])) == 2

    # Ping both ways through the API's exec: the remote node's command runs on host b's worker.
    result = lab.exec(h2, "ping -c 3 -i 0.2 -W 2 10.81.0.1")
    assert result["exit_code"] == 0, result["output"]
    result = lab.exec(h4, "ping -c 3 -i 0.2 -W 2 10.82.0.3")  # a → bridge on a → VXLAN → b
    assert result["exit_code"] == 0, result["output"]
    result = lab.exec(h3, "ping -c 3 -i 0.2 -W 2 -s 1472 10.82.0.4")  # full-size frames are not lost
    assert result["exit_code"] == 0, result["output"]

    # TCP across the VXLAN link, then with a rate limit on h1 → h2 (tbf on h1's VXLAN end).
    pid_h1, pid_h2 = _pid(client_a, lab.project["id"], h1["id"]), _pid(client_b, lab.project["id"], h2["id"])
    free = _tcp_bps(pid_h2, pid_h1, "10.81.0.2")
    assert free > 50e6, f"{free / 1e6:.1f} Mbit/s unshaped"
    response = stack.api.patch(lab.url(f"/api/projects/{lab.project['id']}/links/{direct['id']}/"),
                               json={"impairment": {"a_to_b": {"rate_kbps": RATE_KBPS}}}, timeout=30)
    assert response.status_code == 200, response.text

    def shaped():
        return (bps := _tcp_bps(pid_h2, pid_h1, "10.81.0.2", seconds=4)) < RATE_KBPS * 1000 * 1.3 and bps

    bps = wait_for(shaped, 60, "the rate limit to apply", interval=0.5)
    print(f"cross-host TCP: {free / 1e6:.1f} Mbit/s unshaped, {bps / 1e6:.2f} Mbit/s at rate_kbps={RATE_KBPS}")
    assert bps > RATE_KBPS * 1000 * 0.7, f"{bps / 1e6:.2f} Mbit/s"
    back = _tcp_bps(pid_h1, pid_h2, "10.81.0.1")  # b → a is not limited
    assert back > 50e6, f"{back / 1e6:.1f} Mbit/s b → a"

    lab.delete()
    wait_for(lambda: not _containers(client_a, lab.project["id"]) and not _containers(client_b, lab.project["id"]),
             60, "both hosts' containers to go")
    for netns in (None, host_b.netns):  # no VXLAN device was ever left in either host's namespace
        assert "webgns" not in _vxlan_devices(netns), _vxlan_devices(netns)
    assert not os.path.exists(f"/run/netns/webgns-park-{lab.project['id']}")


def test_killing_host_bs_worker_shows_its_nodes_in_error_and_a_restart_brings_them_back(two_hosts):
    stack, _host_b, worker_b = two_hosts
    lab = Lab(stack, f"kill-b-{uuid.uuid4().hex[:6]}")
    pc_a = lab.node("pc-a", "busybox", "a")
    pc_b = lab.node("pc-b", "busybox", "b")
    lab.link(pc_a, "eth0", pc_b, "eth0")
    assert lab.operation("start/")["status"] == "done"

    worker_b.kill()
    killed = time.monotonic()
    try:
        went = None
        with contextlib.suppress(AssertionError):
            went = wait_for(lambda: lab.nodes()["pc-b"]["status"] == "error" and lab.nodes()["pc-b"], 35,
                            "pc-b to show error")
        seen_after = time.monotonic() - killed
    finally:
        worker_b.start()
    # Restarted, host b's reconcile finds pc-b's container running: the truth comes back.
    wait_for(lambda: lab.nodes()["pc-b"]["status"] == "started", 60, "pc-b started again")
    assert lab.nodes()["pc-a"]["status"] == "started"
    if went is None:
        # Marking a silent host's nodes `error` is the host monitor's (ComputeHost heartbeat, the
        # `hosts` branch of issue 16); without it on this branch the first half cannot pass.
        pytest.xfail("pc-b did not turn error within 30 s of its worker's kill: needs the host monitor "
                     "(hosts branch) merged")
    assert seen_after <= 30, f"error shown {seen_after:.1f} s after the kill"
    assert went["error"], went
