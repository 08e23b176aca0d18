"""A real webgns stack for end-to-end tests: Daphne + a Celery worker on a throwaway database.

    from tests.live_stack import LiveStack, live_stack   # `live_stack` is a session-scoped fixture

    with LiveStack() as stack:                      # or: def test_x(live_stack): stack = live_stack
        stack.base_url      # "http://127.0.0.1:<port>"  (REST API, pages, /accounts/login/)
        stack.ws_url        # "ws://127.0.0.1:<port>"    (append /ws/projects/<p>/events/ ...)
        stack.username, stack.password, stack.token     # a staff user "admin" (superuser)
        stack.api           # requests.Session with "Authorization: Token <token>"
        user = stack.create_user("bob")             # -> LiveUser(username, password, token), not staff
        stack.session_for(user)                     # requests.Session with that user's token

What it runs: a fresh SQLite file (WEBGNS_DB_PATH) and data dir in a temporary directory, a Redis
database of its own (WEBGNS_REDIS_URL: the first of DBs 10-15 that no other live stack on this
machine has claimed; claims expire when their process dies), `manage.py migrate` + `seed_templates`
+ `ensure_admin`, then `daphne` on a free loopback port (bound here and handed over as a file
descriptor, so there is no port race) and `celery -A webgns worker --pool threads`, both with the
same environment. Their logs are in `stack.log_dir` (daphne.log, worker.log).

At exit it deletes every project through the API (the worker removes containers and links), stops
both processes, then force-removes any container still labelled with one of this stack's projects.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REDIS_HOST = "redis://127.0.0.1:6379"
REDIS_DBS = range(10, 16)
CLAIM_KEY = "webgns:live-stack:claim"
ADMIN_PASSWORD = "live-stack-admin-pw"


@dataclass(frozen=True)
class LiveUser:
    username: str
    password: str
    token: str


class LiveStack:
    """See the module docstring. Use as a context manager; `start()`/`stop()` also work."""

    def __init__(self, worker_concurrency: int = 4, *, redis_url: str | None = None, compute_host: str = "local",
                 env: dict | None = None) -> None:
        """`redis_url`: a Redis of the caller's own instead of a claimed DB of the shared one (the
        two-host test's, reachable from host b's namespace); `compute_host`: the name the worker
        serves (it consumes lab, compute.<host> and exec.<host>); `env`: more environment for both."""
        self.worker_concurrency = worker_concurrency
        self.compute_host = compute_host
        self._own_redis_url = redis_url
        self._extra_env = dict(env or {})
        self.username, self.password = "admin", ADMIN_PASSWORD
        self.token = ""
        self.base_url = self.ws_url = ""
        self._dir: Path | None = None
        self._redis_db: int | None = None
        self._processes: dict[str, subprocess.Popen] = {}
        self._project_ids: set[str] = set()

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> LiveStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="webgns-live-"))
        self.log_dir = self._dir / "logs"
        self.log_dir.mkdir()
        if self._own_redis_url:
            self.redis_url = self._own_redis_url
            self._redis_db = -1  # not claimed: flushed at stop all the same
        else:
            self._redis_db = _claim_redis_db()
            self.redis_url = f"{REDIS_HOST}/{self._redis_db}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "webgns.settings"),
            "WEBGNS_DB_PATH": str(self._dir / "webgns.sqlite3"),
            "WEBGNS_DATA_DIR": str(self._dir / "data"),
            "WEBGNS_REDIS_URL": self.redis_url,
            "WEBGNS_INSTANCE": self._dir.name,
            "WEBGNS_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "WEBGNS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            "WEBGNS_COMPUTE_HOST": self.compute_host,
            **self._extra_env,
        }
        # collectstatic: the stack's data dir is fresh, and Daphne serves the built frontend from it.
        for command in (["migrate", "--noinput", "-v0"], ["seed_templates"], ["ensure_admin"],
                        ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, check=True,
                           stdout=subprocess.DEVNULL, timeout=120)
        self._start_worker()
        self._start_daphne()
        self.token = self._token(self.username, self.password)
        self.api = self.session_for(LiveUser(self.username, self.password, self.token))
        self._wait_worker_ready()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._delete_projects()
        for name in ("daphne", "worker"):
            process = self._processes.pop(name, None)
            if process is not None:
                _terminate(process)
        self._remove_leftover_containers()
        if self._redis_db is not None:
            with contextlib.suppress(redis.RedisError):
                r = redis.Redis.from_url(self.redis_url)
                r.flushdb()  # our db only: its queues, groups and seq counters; releases the claim
            self._redis_db = None
        if self._dir is not None:
            if os.environ.get("WEBGNS_KEEP_LIVE_STACK"):
                print(f"live stack kept in {self._dir}", file=sys.stderr)
            else:
                shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # -- users -------------------------------------------------------------------------------------
    def create_user(self, username: str, password: str | None = None, *, staff: bool = False) -> LiveUser:
        password = password or f"pw-{username}-{os.urandom(4).hex()}"
        response = self.api.post(f"{self.base_url}/api/users/",
                                 json={"username": username, "password": password, "is_staff": staff})
        response.raise_for_status()
        return LiveUser(username, password, self._token(username, password))

    def session_for(self, user: LiveUser) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {user.token}"
        return session

    def project_ids(self) -> set[str]:
        """Every project that exists in this stack's database (all made by its tests)."""
        response = self.api.get(f"{self.base_url}/api/projects/", timeout=10)
        response.raise_for_status()
        body = response.json()
        items = body["results"] if isinstance(body, dict) else body
        return {p["id"] for p in items}

    # -- internals ---------------------------------------------------------------------------------
    def _start_worker(self) -> None:
        log = open(self.log_dir / "worker.log", "wb")  # noqa: SIM115 - lives as long as the process
        self._processes["worker"] = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "webgns", "worker", "-Q",
             f"lab,compute.{self.compute_host},exec.{self.compute_host},pool.{self.compute_host}", "--pool", "threads",
             "--concurrency", str(self.worker_concurrency), "-l", "INFO", "-n", f"live-{os.getpid()}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def _wait_worker_ready(self, timeout: float = 60) -> None:
        """Until the worker is ready and its start-up reconcile has finished: that reconcile marks
        a node `starting` without a container as failed, so it must not race a test's first start."""
        deadline = time.monotonic() + timeout
        log = self.log_dir / "worker.log"
        while not _finished_startup(log.read_bytes()):
            if self._processes["worker"].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start; see {log}")
            time.sleep(0.1)

    def _start_daphne(self, timeout: float = 30) -> None:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        self.base_url, self.ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
        log = open(self.log_dir / "daphne.log", "wb")  # noqa: SIM115 - lives as long as the process
        self._processes["daphne"] = subprocess.Popen(
            [str(VENV_BIN / "daphne"), "--fd", str(listener.fileno()), "webgns.asgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, pass_fds=[listener.fileno()],
            start_new_session=True,
        )
        listener.close()  # daphne holds its own copy
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base_url}/api/", timeout=2).status_code < 500:
                    return
            if self._processes["daphne"].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not start; see {self.log_dir / 'daphne.log'}")
            time.sleep(0.1)

    def _token(self, username: str, password: str) -> str:
        response = requests.post(f"{self.base_url}/api/auth/token/",
                                 json={"username": username, "password": password}, timeout=10)
        response.raise_for_status()
        return response.json()["token"]

    def _delete_projects(self, timeout: float = 60) -> None:
        ids = self.project_ids()
        self._project_ids |= ids
        for project_id in ids:
            self.api.delete(f"{self.base_url}/api/projects/{project_id}/", timeout=10)
        deadline = time.monotonic() + timeout
        while ids and time.monotonic() < deadline and _labelled_containers(ids):
            time.sleep(0.2)

    def _remove_leftover_containers(self) -> None:
        for container in _labelled_containers(self._project_ids):
            with contextlib.suppress(Exception):
                container.remove(force=True)


def _finished_startup(log: bytes) -> bool:
    reconciled = any(b"reconcile_host[" in line and (b"succeeded" in line or b"raised" in line)
                     for line in log.splitlines())
    return b" ready." in log and reconciled


def _labelled_containers(project_ids: set[str]) -> list:
    if not project_ids:
        return []
    import docker

    client = docker.from_env()
    return [c for p in project_ids for c in client.containers.list(all=True, filters={"label": f"webgns.project={p}"})]


def _claim_redis_db() -> int:
    """The first Redis DB in 10-15 that no live process has claimed; the claim names our PID."""
    for db in REDIS_DBS:
        r = redis.Redis.from_url(f"{REDIS_HOST}/{db}")
        holder = r.get(CLAIM_KEY)
        if holder is not None and _alive(int(holder)):
            continue
        if holder is not None:
            r.delete(CLAIM_KEY)  # its process died without cleaning up
        if r.set(CLAIM_KEY, os.getpid(), nx=True):
            for key in r.scan_iter(count=1000):  # leftovers of a crashed stack, never someone live
                if key != CLAIM_KEY.encode():
                    r.delete(key)
            return db
    raise RuntimeError(f"every Redis DB in {REDIS_DBS.start}-{REDIS_DBS.stop - 1} is claimed by a live stack")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the worker's pool threads, nothing else
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def running_stack() -> LiveStack:
    """A LiveStack to use as a context manager outside pytest (bench/bench_editor.py)."""
    return LiveStack()


@pytest.fixture(scope="session")
def live_stack():
    """A running LiveStack shared by the session's end-to-end tests (see the module docstring)."""
    with LiveStack() as stack:
        yield stack
