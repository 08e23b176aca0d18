"""Faults under real worker processes: Redis restarted under a running worker, a worker killed -9
mid-start, long execs alongside a lab start. Each test runs its own redis-server on a spare port
and `celery -A webgns worker` processes configured as `make run` configures them.

Nodes have no network but their links; addresses are in 10.0.0.0/8.
"""

import time

import docker
import pytest

from tests.conftest import wait_for
from tests.integration.worker_process import SpareRedis, WorkerProcess, celery_client, send_operation
from tests.labs.factories import create_link, create_node, create_project

pytestmark = pytest.mark.integration


@pytest.fixture
def broker():
    with SpareRedis() as server:
        yield server


@pytest.fixture
def workers(tmp_path):
    """Start workers with `workers(broker_url, name, **options)`; all are stopped afterwards."""
    started: list[WorkerProcess] = []

    def start(broker_url: str, name: str, **options) -> WorkerProcess:
        process = WorkerProcess(broker_url, tmp_path, name, **options).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def projects(api, templates, transactional_db):
    """Projects made through the API (as `api`'s user); their containers go at the end."""
    made: list[str] = []

    def make(name: str, client=None) -> dict:
        project = create_project(client or api, name)
        made.append(project["id"])
        return project

    yield make
    from webgns.compute.lab import LabEngine

    client = docker.from_env()
    engine = LabEngine(client)
    for project_id in made:
        engine.remove_project(project_id)
    client.close()


def _operation(op_id: str):
    from webgns.labs.models import Operation

    return Operation.objects.get(pk=op_id)


def _wait_done(op_id: str, timeout: float = 120):
    def finished():
        op = _operation(op_id)
        return op if op.finished else None

    return wait_for(finished, timeout, what=f"operation {op_id} to finish")


def _containers(project_id: str) -> dict:
    client = docker.from_env()
    try:
        found = client.containers.list(all=True, filters={"label": f"webgns.project={project_id}"})
        return {c.labels["webgns.node"]: c for c in found}
    finally:
        client.close()


def test_worker_survives_a_redis_restart_and_seq_keeps_growing(api, projects, templates, broker, workers):
    from webgns.labs.models import Node

    app = celery_client(broker.url)
    worker = workers(broker.url, "lab", queues="lab,compute.local", beat=True)  # as `make run` runs it (prefork + beat)
    project = projects("redis-restart")
    node = create_node(api, project, templates["busybox"], "pc1")
    assert _wait_done(send_operation(app, project["id"], "node.start", node["id"]), 90).status == "done"
    seq_key = f"webgns:seq:{project['id']}"
    seq_before = int(broker.client().get(seq_key))
    assert seq_before >= 3

    # Down until the worker has noticed, then back with the same settings, empty: queues, locks and
    # counters are gone.
    mark = len(worker.log.read_bytes())
    broker.stop()
    wait_for(lambda: b"broker lost" in worker.log.read_bytes()[mark:] or not worker.alive(), 60,
             what="the worker to notice that Redis is gone")
    broker.start()
    assert broker.client().get(seq_key) is None

    op = _wait_done(send_operation(app, project["id"], "node.restart", node["id"]), 120)
    assert op.status == "done", op.error
    assert Node.objects.get(pk=node["id"]).status == "started"
    assert worker.alive(), worker.tail()
    # Gossip's restart after a lost connection is where the worker died ("Error on restarting
    # Gossip", then "Unrecoverable error"): workers run without it.
    assert b"Unrecoverable error" not in worker.log.read_bytes()
    assert b"Error on restarting" not in worker.log.read_bytes()
    # Numbering continued above everything issued before the restart.
    assert int(broker.client().get(seq_key)) > seq_before


def test_worker_killed_mid_start_leaves_the_lab_consistent_within_two_minutes(api, projects, templates, broker,
                                                                               workers):
    from webgns.labs.models import Node
    from webgns.tasks.locks import lock_key

    app = celery_client(broker.url)
    first = workers(broker.url, "lab-a", queues="lab,compute.local", beat=True)
    project = projects("chain")
    nodes = [create_node(api, project, templates["busybox"], f"pc{i}") for i in range(1, 21)]
    for a, b in zip(nodes, nodes[1:], strict=False):
        create_link(api, project, a, b, a_port="eth1" if a is not nodes[0] else "eth0", b_port="eth0")
    op_id = send_operation(app, project["id"], "project.start")
    wait_for(lambda: _operation(op_id).done >= 2 and not _operation(op_id).finished, 120, interval=0.05,
             what="the start to be under way")
    first.kill()
    killed_at = time.monotonic()
    workers(broker.url, "lab-b", queues="lab,compute.local", beat=True)

    def consistent():
        op = _operation(op_id)
        if op.status != "error" or "worker lost" not in op.error:
            return False
        if broker.client().exists(lock_key(project["id"])):
            return False
        containers = _containers(project["id"])
        for n in Node.objects.filter(project_id=project["id"]):
            container = containers.get(str(n.id))
            running = container is not None and container.status == "running"
            if running != (n.status == "started") or n.status in ("starting", "stopping"):
                return False
        return True

    wait_for(consistent, 120 - (time.monotonic() - killed_at), interval=1,
             what="the dead worker's operation failed, its lock free and the nodes matching their containers")
    elapsed = time.monotonic() - killed_at
    print(f"lab consistent {elapsed:.1f} s after kill -9")

    again = _wait_done(send_operation(app, project["id"], "project.start"), 180)
    assert again.status == "done", again.error
    assert set(Node.objects.filter(project_id=project["id"]).values_list("status", flat=True)) == {"started"}


def test_long_execs_do_not_delay_another_users_start(api, make_api, projects, templates, broker, workers):
    from webgns.labs.models import Node

    app = celery_client(broker.url)
    # As `make run`: lab operations and exec each have their own worker.
    workers(broker.url, "lab", queues="lab,compute.local", concurrency=2)
    workers(broker.url, "exec", queues="exec.local", pool="threads", concurrency=8)
    busy = projects("busy")
    sleeper = create_node(api, busy, templates["busybox"], "sleeper")
    assert _wait_done(send_operation(app, busy["id"], "node.start", sleeper["id"])).status == "done"

    execs = [app.send_task("webgns.tasks.exec_in_node", args=[sleeper["id"], "sleep 40", 60], queue="exec.local")
             for _ in range(3)]
    container = _containers(busy["id"])[sleeper["id"]]
    wait_for(lambda: sum("sleep 40" in " ".join(p) for p in container.top()["Processes"]) == 3, 30,
             what="three execs of sleep 40 running in the node")

    other = make_api("bob")
    theirs = projects("theirs", other)
    node = create_node(other, theirs, templates["busybox"], "pc1")
    sent = time.monotonic()
    op = _wait_done(send_operation(app, theirs["id"], "node.start", node["id"]), 60)
    print(f"1-node start beside 3 execs of sleep 40: {time.monotonic() - sent:.1f} s")
    assert op.status == "done", op.error
    assert Node.objects.get(pk=node["id"]).status == "started"
    assert not any(result.ready() for result in execs), "the start waited for the execs to end"
