"""Benchmark of a classroom: 30 students press "start" on the same 5-node lab within one second.

Division of labour: this script is the web tier (the real REST views, called through Django's
test client from one thread per student) and spawns the worker exactly as the Procfile runs it
(`celery -A webgns worker --concurrency 4`, a separate process tree), both on a throw-away SQLite
database and Redis database, so nothing of a running server is touched. The lab is a Linux bridge
switch with four busybox hosts (10.0.0.1-4/24, the same in every copy).

It prints, side by side: one copy started alone (the baseline of the same run), then 30 copies
started at once, next to the time Docker takes to run as many bare containers (no links, no
startup lines: the floor): seconds until every copy's start operation is done (containers up, links up,
startup lines run), each student's wait from pressing start (median and worst), how long the
web tier took to answer the 30 presses, and memory: the host's peak used memory above what it
was before (MemTotal - MemAvailable, sampled every 100 ms: containers, shims and the worker) and
the worker process tree's peak RSS. Then it checks traffic in a few copies and removes them
through the teacher's "delete all copies" (the worker cleans the host). Everything it made is
removed at the end, also on failure or Ctrl-C.

    .venv/bin/python bench/bench_classroom.py                 # 30 students
    .venv/bin/python bench/bench_classroom.py --students 10
    .venv/bin/python bench/bench_classroom.py --pool          # warm pool: prepare, then 30 claims
    .venv/bin/python bench/bench_classroom.py --pool --spread 0   # the 30 claims in the same instant

With `--pool` the teacher first prepares a seat per student (copies started, plumbed, paused);
then the students press Start within 5 s (evenly; `--spread`) and each is timed from the press to the first echo of a
shell in their pc1 (a Docker exec, as a console's shell is started), with p50/p95/worst, the
time to prepare the pool and the host memory per paused copy. Then the teacher adds three
checks and runs check-all on the 30 claimed copies: seconds until the grades grid is full, beside
the same commands run as sequential `docker exec`s in the same run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from webgns.tasks.queues import COORDINATOR_QUEUE, compute_queue, exec_queue, pool_queue  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"
WORKER_CONCURRENCY = 4  # as the Procfile runs it
POOL_CONCURRENCY = 4  # the pool worker's threads, as the Procfile runs it
HOSTS = 4
BARE_IMAGE = "webgns/busybox:latest"
BARE_LABEL = "webgns.bench-classroom"


def configure_environment(data_dir: Path) -> dict:
    env = {
        "WEBGNS_DATA_DIR": str(data_dir),
        "WEBGNS_DB_PATH": str(data_dir / "bench.sqlite3"),
        "WEBGNS_REDIS_URL": REDIS_URL,
        "WEBGNS_SECRET_KEY": secrets.token_urlsafe(32),
        "WEBGNS_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "webgns.settings",
    }
    os.environ.update(env)
    return env


def used_memory_bytes() -> int:
    fields = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0]) * 1024
    return fields["MemTotal"] - fields["MemAvailable"]


def tree_rss_bytes(root_pid: int) -> int:
    """RSS of a process and all its descendants (the worker and its prefork children)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields["PPid"])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class MemorySampler:
    """Peak host used memory and worker-tree RSS, sampled in a thread while a phase runs."""

    def __init__(self, worker_pid: int) -> None:
        self.worker_pid = worker_pid
        self.baseline = used_memory_bytes()
        self.peak_used = self.baseline
        self.peak_worker = tree_rss_bytes(worker_pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_used = max(self.peak_used, used_memory_bytes())
            self.peak_worker = max(self.peak_worker, tree_rss_bytes(self.worker_pid))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def start_worker(env: dict, log: Path, queue: str = "lab") -> subprocess.Popen:
    """A worker as the Procfile runs it: "lab" (processes: the coordinator's queue and this host's
    compute and exec queues) or the warm pool's "pool" (threads: this host's pool queue)."""
    host = env.get("WEBGNS_COMPUTE_HOST", "local")
    pool = ["--pool", "threads"] if queue == "pool" else []
    queues = pool_queue(host) if queue == "pool" else f"{COORDINATOR_QUEUE},{compute_queue(host)},{exec_queue(host)}"
    command = [
        str(REPO / ".venv/bin/celery"),
        "-A",
        "webgns",
        "worker",
        "-Q",
        queues,
        *pool,
        "--concurrency",
        str(POOL_CONCURRENCY if queue == "pool" else WORKER_CONCURRENCY),
        "-l",
        "WARNING",
        "-n",
        f"bench-classroom-{queue}-{os.getpid()}@%h",
    ]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=os.environ | env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def bare_containers(count: int, parallelism: int = 8) -> float:
    """Seconds until `count` plain busybox containers run (Docker's own pace here); then removes them."""
    import docker

    api = docker.from_env().api
    run_id = secrets.token_hex(4)
    host_config = api.create_host_config(network_mode="none")

    def run_one(index: int) -> str:
        created = api.create_container(
            BARE_IMAGE,
            command=["sleep", "86400"],
            name=f"webgns-bench-classroom-{run_id}-{index}",
            labels={BARE_LABEL: run_id},
            host_config=host_config,
        )
        api.start(created["Id"])
        return created["Id"]

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            list(pool.map(run_one, range(count)))
        return time.perf_counter() - started
    finally:
        made = api.containers(all=True, filters={"label": f"{BARE_LABEL}={run_id}"})
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            list(pool.map(lambda c: api.remove_container(c["Id"], force=True), made))


def client_for(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def ok(response, status: int = 201) -> dict:
    if response.status_code != status:
        raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")
    return response.json()


def build_classroom(students: int) -> tuple:
    """A course (staff → teacher → students) and the teacher's published 5-node lab, through the API."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from webgns.labs.models import Template

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_templates", stdout=quiet)
    users = get_user_model()
    staff = client_for(users.objects.create_user("bench-staff", "s@example.org", is_staff=True))
    teacher_user = users.objects.create_user("bench-teacher", "t@example.org")
    teacher = client_for(teacher_user)
    course = ok(
        staff.post("/api/courses/", {"name": "Bench course", "teachers": ["bench-teacher"]}, format="json")
    )
    url = f"/api/courses/{course['id']}/"
    roster = "\n".join(f"student{i:02d},student{i:02d}@example.org" for i in range(students + 2))
    created = ok(teacher.post(f"{url}students/import/", {"csv": roster}, format="json"), 200)["created"]
    pupils = [client_for(users.objects.get(username=row["username"])) for row in created]

    templates = {t.name: t for t in Template.objects.all()}
    lab = ok(teacher.post("/api/projects/", {"name": "switched lab"}, format="json"))
    nodes_url = f"/api/projects/{lab['id']}/nodes/"
    switch = ok(
        teacher.post(
            nodes_url,
            {"name": "sw1", "template": str(templates["bridge"].id), "adapters": HOSTS},
            format="json",
        )
    )
    for i in range(1, HOSTS + 1):
        host = ok(
            teacher.post(
                nodes_url,
                {
                    "name": f"pc{i}",
                    "template": str(templates["busybox"].id),
                    "startup": [f"ip addr add 10.0.0.{i}/24 dev eth0"],
                },
                format="json",
            )
        )
        ok(
            teacher.post(
                f"/api/projects/{lab['id']}/links/",
                {"a": {"node": host["id"], "port": "eth0"}, "b": {"node": switch["id"]}},
                format="json",
            )
        )
    assignment = ok(
        teacher.post(
            f"{url}assignments/",
            {"title": "Switching", "source": lab["id"], "published": True},
            format="json",
        )
    )
    return teacher, url, assignment, pupils


def press_start(url: str, assignment: dict, student) -> tuple[float, float, dict]:
    from django.db import connection

    try:
        pressed = time.perf_counter()
        body = ok(student.post(f"{url}assignments/{assignment['id']}/start/"), 202)
        return pressed, time.perf_counter() - pressed, body
    finally:
        connection.close()


def wait_operations(operations: list[str], pressed_at: dict[str, float], timeout: float) -> dict[str, float]:
    """Seconds from each press until its operation finished; raises if one failed or time ran out."""
    from webgns.labs.models import Operation

    finished: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(finished) < len(operations):
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(finished)} of {len(operations)} copies running after {timeout}s")
        for op in Operation.objects.filter(
            pk__in=[o for o in operations if o not in finished], finished__isnull=False
        ):
            if op.status != "done":
                raise RuntimeError(f"copy start failed: {op.error}")
            finished[str(op.id)] = op.finished.timestamp() - pressed_at[str(op.id)]
        time.sleep(0.1)
    return finished


def start_all(url: str, assignment: dict, students: list, timeout: float) -> dict:
    from webgns.labs.models import Link, Node

    wall_zero = time.time() - time.perf_counter()  # converts perf_counter marks to wall-clock times
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(students)) as pool:
        presses = list(pool.map(lambda s: press_start(url, assignment, s), students))
    operations = [body["operation"] for _, _, body in presses]
    pressed_at = {body["operation"]: wall_zero + pressed for pressed, _, body in presses}
    waits = wait_operations(operations, pressed_at, timeout)
    total = time.perf_counter() - started
    projects = [body["copy"]["project"] for _, _, body in presses]
    not_started = Node.objects.filter(project_id__in=projects).exclude(status="started").count()
    links_down = Link.objects.filter(project_id__in=projects).exclude(status="up").count()
    if not_started or links_down:
        raise RuntimeError(f"{not_started} nodes not started, {links_down} links not up")
    return {
        "total": total,
        "waits": sorted(waits.values()),
        "answers": sorted(a for _, a, _ in presses),
        "projects": projects,
    }


def wait_pool_paused(teacher, url: str, assignment: dict, seats: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        pool = ok(teacher.get(f"{url}assignments/{assignment['id']}/pool/"), 200)
        if pool["paused"] >= seats:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"pool not ready after {timeout}s: {pool}")
        time.sleep(0.2)


def first_echo(url: str, assignment: dict, student, timeout: float, delay: float = 0.0
               ) -> tuple[float, float, float]:
    """Seconds from pressing Start (after `delay`) to a shell's first echo in the copy's pc1, to the
    web's answer, and to the resume operation's end (the worker's part), so that the report says
    where the time goes."""
    import docker
    from django.db import connection

    from webgns.labs.models import Node, Operation

    client = docker.from_env()
    time.sleep(delay)
    try:
        pressed = time.perf_counter()
        body = ok(student.post(f"{url}assignments/{assignment['id']}/start/"), 202)
        answered = time.perf_counter() - pressed
        deadline = time.monotonic() + timeout
        while not Operation.objects.filter(pk=body["operation"], finished__isnull=False).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("start not finished in time")
            time.sleep(0.02)
        resumed = time.perf_counter() - pressed
        node = Node.objects.get(project_id=body["copy"]["project"], name="pc1")
        (container,) = client.api.containers(filters={"label": f"webgns.node={node.id}"})
        exec_id = client.api.exec_create(container["Id"], ["sh", "-c", "echo ready"])["Id"]
        if b"ready" not in client.api.exec_start(exec_id):
            raise RuntimeError("no echo from pc1")
        return time.perf_counter() - pressed, answered, resumed
    finally:
        client.close()
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


def pool_run(teacher, url: str, assignment: dict, students: list, timeout: float, spread: float) -> None:
    seats = len(students)
    before = used_memory_bytes()
    started = time.perf_counter()
    ok(teacher.post(f"{url}assignments/{assignment['id']}/prepare/", {"seats": seats}, format="json"), 202)
    wait_pool_paused(teacher, url, assignment, seats, timeout)
    prepared = time.perf_counter() - started
    per_copy = (used_memory_bytes() - before) / seats
    # The class presses within `spread` seconds, evenly (0: all in the same instant).
    delays = [i * spread / seats for i in range(seats)]
    with ThreadPoolExecutor(max_workers=seats) as pool:
        results = list(pool.map(lambda s, d: first_echo(url, assignment, s, timeout, d), students, delays))
    waits = sorted(r[0] for r in results)
    answers = sorted(r[1] for r in results)
    resumed = sorted(r[2] for r in results)
    p95 = percentile(waits, 0.95)
    print(f"\nwarm pool: {seats} copies of {HOSTS + 1} nodes prepared and paused in {prepared:.1f} s; "
          f"host memory {mb(per_copy)} per paused copy")
    print(f"{seats} students pressing Start within {spread:g} s, press -> first echo in pc1: "
          f"median {statistics.median(waits):.2f} s, p95 {p95:.2f} s, worst {waits[-1]:.2f} s; "
          f"the Start request answered in median {statistics.median(answers) * 1000:.0f} ms, "
          f"worst {answers[-1] * 1000:.0f} ms")
    print(f"  of which: Start answered p95 {percentile(answers, 0.95):.2f} s; resume operation done "
          f"(worker's unpause, seen in the DB) median {statistics.median(resumed):.2f} s, "
          f"p95 {percentile(resumed, 0.95):.2f} s; the rest is the exec of the echo")


GRID_CHECKS = [
    {"name": "pc1 reaches pc2", "kind": "reaches", "node": "pc1", "target": "10.0.0.2"},
    {"name": "pc2 has its address", "kind": "address", "node": "pc2", "target": "10.0.0.2/24", "interface": "eth0"},
    {"name": "pc3 names itself", "kind": "command", "node": "pc3", "command": "hostname"},
]


def grid_run(teacher, url: str, assignment: dict, timeout: float) -> None:
    """The teacher's check-all on every claimed copy: seconds until the grades grid is full, beside
    the same commands run one after another with `docker exec` (what a script would do)."""
    import docker
    from django.db import connection

    from webgns.classrooms.check_kinds import plan
    from webgns.labs.models import Node

    for check in GRID_CHECKS:
        ok(teacher.post(f"{url}assignments/{assignment['id']}/checks/", check, format="json"))
    started = time.perf_counter()
    ok(teacher.post(f"{url}assignments/{assignment['id']}/check-all/"), 202)
    deadline = time.monotonic() + timeout
    while True:
        rows = [r for r in ok(teacher.get(f"{url}assignments/{assignment['id']}/grades/"), 200)["rows"] if r["copy"]]
        if rows and all(c["passed"] is not None for r in rows for c in r["cells"].values()):
            break
        if time.monotonic() > deadline:
            raise RuntimeError("the grades grid was not full in time")
        time.sleep(0.1)
    full = time.perf_counter() - started
    passed = sum(r["passed"] for r in rows)
    client = docker.from_env()
    try:
        sequential = time.perf_counter()
        for row_ in rows:
            for check in GRID_CHECKS:
                fields = {k: check[k] for k in ("command", "target", "interface") if k in check}
                node = Node.objects.get(project_id=row_["project"], name=check["node"])
                (container,) = client.api.containers(filters={"label": f"webgns.node={node.id}"})
                exec_id = client.api.exec_create(container["Id"], ["sh", "-c", plan(check["kind"], **fields).command])
                client.api.exec_start(exec_id)
        sequential = time.perf_counter() - sequential
    finally:
        client.close()
        connection.close()
    print(f"\nchecks: {len(GRID_CHECKS)} checks on {len(rows)} copies, teacher's check-all until the grid is full: "
          f"{full:.2f} s ({passed}/{len(rows) * len(GRID_CHECKS)} passed); the same commands as "
          f"{len(rows) * len(GRID_CHECKS)} sequential `docker exec`s: {sequential:.2f} s")


def pings(project_id: str, source: str, target: str) -> bool:
    from webgns.labs.models import Node
    from webgns.tasks import host_tasks

    node = Node.objects.get(project_id=project_id, name=source)
    result = host_tasks.exec_in_node.apply_async(args=[str(node.id), f"ping -c 1 -W 2 {target}", 10])
    return result.get(timeout=60)["exit_code"] == 0


def delete_all(teacher, url: str, projects: list[str], timeout: float = 120) -> float:
    import docker

    client = docker.from_env()
    started = time.perf_counter()
    ok(teacher.post(f"{url}copies/delete-all/"), 200)
    deadline = time.monotonic() + timeout
    # The low-level list: the high-level one inspects each container and races with their removal.
    while any(client.api.containers(all=True, filters={"label": f"webgns.project={p}"}) for p in projects):
        if time.monotonic() > deadline:
            raise RuntimeError("the copies' containers were not removed in time")
        time.sleep(0.2)
    return time.perf_counter() - started


def stop_worker(worker: subprocess.Popen) -> None:
    """Warm shutdown (running tasks end), then a kill; returns once no task of ours can run."""
    try:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    except ProcessLookupError:
        pass


def remove_everything() -> int:
    """Whatever this run made on the host: every project of the throw-away database, paused or not
    (a forced removal kills a frozen container too). Returns how many containers are left over."""
    import docker

    from webgns.compute.lab import LabEngine
    from webgns.compute.labels import PROJECT_LABEL
    from webgns.labs.models import Project

    client = docker.from_env()
    engine = LabEngine(client)
    projects = [str(p) for p in Project.objects.values_list("pk", flat=True)]
    for project_id in projects:
        engine.remove_project(project_id)
    left = [c for p in projects for c in client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={p}"})]
    if left:
        print(f"WARNING: {len(left)} containers of this run are still on the host", file=sys.stderr)
    return len(left)


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def row(label: str, alone: object, crowd: object) -> None:
    print(f"{label:34}{alone!s:>16}{crowd!s:>22}")


def report(
    baseline: dict, crowd: dict, memory: MemorySampler, base_memory: MemorySampler, students: int, bare: float
) -> None:
    nodes, per_copy = students * (HOSTS + 1), HOSTS + 1
    median = statistics.median
    print()
    row("", "1 copy alone", f"{students} copies at once")
    row("nodes (containers)", per_copy, nodes)
    row("all running (s)", f"{baseline['total']:.2f}", f"{crowd['total']:.2f}")
    row("  alone x N (s)", "", f"{baseline['total'] * students:.2f}")
    row("  as many bare containers (s)", "", f"{bare:.2f}")
    row("  nodes running per second", f"{per_copy / baseline['total']:.1f}", f"{nodes / crowd['total']:.1f}")
    row("student wait, median (s)", f"{baseline['waits'][0]:.2f}", f"{median(crowd['waits']):.2f}")
    row("student wait, worst (s)", f"{baseline['waits'][-1]:.2f}", f"{crowd['waits'][-1]:.2f}")
    row(
        "web answer to start, median (ms)",
        f"{baseline['answers'][0] * 1000:.0f}",
        f"{median(crowd['answers']) * 1000:.0f}",
    )
    row(
        "web answer to start, worst (ms)",
        f"{baseline['answers'][-1] * 1000:.0f}",
        f"{crowd['answers'][-1] * 1000:.0f}",
    )
    base_delta = base_memory.peak_used - base_memory.baseline
    delta = memory.peak_used - memory.baseline
    row("host memory, peak above start", mb(base_delta), mb(delta))
    row("  per node", mb(base_delta / per_copy), mb(delta / nodes))
    row("worker tree RSS, peak", mb(base_memory.peak_worker), mb(memory.peak_worker))


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--pool", action="store_true", help="prepare a warm pool, then time the claims")
    parser.add_argument("--spread", type=float, default=5.0,
                        help="with --pool: the students press Start within this many seconds (0: together)")
    args = parser.parse_args()
    # A TERM (a killed terminal, `timeout`) cleans up like Ctrl-C does: through `finally`.
    signal.signal(signal.SIGTERM, interrupted)

    data_dir = Path(tempfile.mkdtemp(prefix="webgns-bench-classroom-"))
    env = configure_environment(data_dir)
    import django

    django.setup()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    worker = start_worker(env, data_dir / "worker.log")
    pool_worker = start_worker(env, data_dir / "pool-worker.log", queue="pool")
    try:
        teacher, url, assignment, pupils = build_classroom(args.students)
        warm_up, first, crowd_students = pupils[0], pupils[1], pupils[2:]
        print(
            f"course ready: {args.students} students (+2: warm-up and baseline), a {HOSTS + 1}-node lab; "
            f"worker: celery --concurrency {WORKER_CONCURRENCY} (pid {worker.pid})"
        )
        if args.pool:
            start_all(url, assignment, [warm_up], args.timeout)  # the worker's engine loads, not measured
            pool_run(teacher, url, assignment, crowd_students, args.timeout, args.spread)
            grid_run(teacher, url, assignment, args.timeout)
            return 0  # everything goes in `finally`
        bare = bare_containers(args.students * (HOSTS + 1))
        # Not measured: the worker's children load the engine and the Docker client on first use.
        start_all(url, assignment, [warm_up], args.timeout)
        with MemorySampler(worker.pid) as base_memory:
            baseline = start_all(url, assignment, [first], args.timeout)
        with MemorySampler(worker.pid) as memory:
            crowd = start_all(url, assignment, crowd_students, args.timeout)
        report(baseline, crowd, memory, base_memory, args.students, bare)
        checked = [crowd["projects"][0], crowd["projects"][-1]]
        from webgns.labs.models import Project

        reached = all(pings(p, "pc1", "10.0.0.4") for p in checked)
        outcome = "ok" if reached else "FAILED"
        print(f"\ntraffic: pc1 -> pc4 through the copy's own switch in 2 copies: {outcome}")
        seconds = delete_all(teacher, url, [str(p) for p in Project.objects.values_list("pk", flat=True)])
        print(f"teacher's delete-all until every container is gone: {seconds:.2f} s")
        return 0 if reached else 1
    finally:
        # The worker goes first: a prepare task still running would otherwise start and pause a
        # copy after its removal (how an earlier run left 5 paused containers behind).
        try:
            stop_worker(worker)
            stop_worker(pool_worker)
            redis.Redis.from_url(REDIS_URL).flushdb()  # queued prepares must not run anywhere later
            remove_everything()
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
