"""Real processes for fault tests: a Redis server of the test's own on a spare port, and Celery
workers as separate processes (their own session, so kill -9 takes the whole worker), both on the
test's database.

    with SpareRedis() as broker:                 # redis-server --port <free> --save "" …
        worker = WorkerProcess(broker.url, log_dir, "lab", queues="lab,compute.local", beat=True).start()
        broker.restart()                         # SHUTDOWN NOSAVE, then the same command again
        worker.kill()                            # SIGKILL to its whole process group
        app = celery_client(broker.url)          # send tasks to it: app.send_task(...)

Tests drive workers with `send_operation` (an Operation row plus its task on this broker) rather
than through the API: the test process's own Celery app is bound to the shared test Redis.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SpareRedis:
    """A redis-server on a free loopback port, with no persistence (like the stack's own)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="webgns-redis-"))
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> SpareRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            for f in self.dir.iterdir():
                f.unlink()
            self.dir.rmdir()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=2)

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=open(self.dir / "redis.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True,  # noqa: SIM115
        )
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(redis.RedisError):
                if self.client().ping():
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(redis.RedisError):
            self.client().shutdown(nosave=True)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


class WorkerProcess:
    """`celery -A webgns worker` on `broker_url` and the test database, in a session of its own."""

    def __init__(self, broker_url: str, log_dir: Path, name: str, *, queues: str = "lab,compute.local",
                 pool: str = "prefork", concurrency: int = 2, beat: bool = False, env: dict | None = None) -> None:
        from django.db import connection

        self.name, self.log = name, log_dir / f"{name}.log"
        self.command = [str(VENV_BIN / "celery"), "-A", "webgns", "worker", "-Q", queues,
                        "-n", f"{name}-{os.getpid()}@%h", "--pool", pool, "--concurrency", str(concurrency),
                        "-l", "INFO",
                        "--without-gossip", "--without-mingle"]
        if beat:
            self.command += ["-B", "--schedule", str(log_dir / f"{name}-beat-schedule")]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "WEBGNS_DB_PATH": connection.settings_dict["NAME"],  # the test database (transactional_db)
            "WEBGNS_REDIS_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=open(self.log, "ab"),  # noqa: SIM115
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log.read_bytes():
            if not self.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.name} did not start; see {self.log}:\n{self.tail()}")
            time.sleep(0.1)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """kill -9 the worker: its main process and its pool, all at once."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def celery_client(broker_url: str) -> Celery:
    """A Celery app that only sends to (and reads results from) `broker_url`."""
    # Not the current app: shared tasks of later tests must keep sending to the test Redis.
    return Celery("webgns-test-client", broker=broker_url, backend=broker_url, set_as_current=False)


def send_operation(app: Celery, project_id: str, kind: str, target: str | None = None) -> str:
    from webgns.labs.models import Operation

    op = Operation.objects.create(project_id=project_id, kind=kind, target=target)
    app.send_task("webgns.tasks.run_operation", args=[str(op.id)], queue="compute.local")
    return str(op.id)
