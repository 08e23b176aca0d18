"""Two webgns compute hosts on one machine, for tests and benchmarks: a Redis both can reach, a
webgns worker inside host b's namespace, and REST helpers for a lab on the live stack.

Division of labour: `second_host.py` makes host b (namespace, dockerd); this module runs webgns
on it (`HostBWorker`: `nsenter --net=` + celery with `WEBGNS_COMPUTE_HOST=b`, host b's
`DOCKER_HOST`, queues compute.b, exec.b and pool.b) next to a `LiveStack` for host a, both on a
`RedisServer` bound to 127.0.0.1 and host a's underlay address (the only address of host a that
host b's namespace reaches) and on the stack's SQLite file (a file crosses namespaces).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from tests.live_stack import ROOT, VENV_BIN, LiveStack, _finished_startup, _terminate
from tests.waiting import wait_for

from .second_host import HOST_A_UNDERLAY, HOST_B_UNDERLAY, SecondHost


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
        _terminate(self.process)


class HostBWorker:
    """`celery -A webgns worker` inside host b's namespace, serving compute host "b"."""

    def __init__(self, stack: LiveStack, host: SecondHost) -> None:
        self.log = stack.log_dir / "worker-b.log"
        self.env = {**stack.env, "WEBGNS_COMPUTE_HOST": "b", "WEBGNS_UNDERLAY_ADDRESS": HOST_B_UNDERLAY,
                    "DOCKER_HOST": host.docker_url}
        self.command = ["nsenter", f"--net={host.netns}", str(VENV_BIN / "celery"), "-A", "webgns", "worker",
                        "-Q", "compute.b,exec.b,pool.b", "--pool", "threads", "--concurrency", "4", "-l", "INFO",
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
            _terminate(self.process)




@contextlib.contextmanager
def webgns_on_two_hosts(host_b: SecondHost, directory: Path) -> Iterator[tuple[LiveStack, HostBWorker]]:
    """Redis, the live stack (Daphne and host a's worker) and host b's worker; all stopped on exit,
    after the stack's projects were deleted through the API while both workers still ran."""
    server = RedisServer(directory)
    stack = LiveStack(redis_url=server.url, compute_host="a", env={"WEBGNS_UNDERLAY_ADDRESS": HOST_A_UNDERLAY})
    worker_b = None
    try:
        stack.start()
        worker_b = HostBWorker(stack, host_b).start()
        yield stack, worker_b
    finally:
        with contextlib.suppress(Exception):
            if worker_b is not None and worker_b.process.poll() is not None:
                worker_b.start()  # a test killed it: host b's nodes need it to go
            stack._delete_projects()
        if worker_b is not None:
            worker_b.stop()
        stack.stop()
        server.stop()




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
        # Pinned to `host` by staff (the stack's user), as the API allows them.
        node = self._post(f"/api/projects/{self.project['id']}/nodes/",
                          {"name": name, "template": self.templates[template], "compute_host": host, **extra})
        assert node["compute_host"] == host, node
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

        return wait_for(finished, timeout, what=f"operation {path}")

    def exec(self, node: dict, command: str, timeout: int = 30) -> dict:
        response = self.api.post(self.url(f"/api/projects/{self.project['id']}/nodes/{node['id']}/exec/"),
                                 json={"command": command, "timeout": timeout}, timeout=timeout + 30)
        assert response.status_code == 200, response.text
        return response.json()

    def delete(self) -> None:
        assert self.api.delete(self.url(f"/api/projects/{self.project['id']}/"), timeout=30).status_code == 204


