"""A claimed copy resumes on its host's `pool.<host>` queue, and every kind of queue a task is sent
to has a worker wherever webgns is run (Procfile, docker-compose, `make run` and `make
compute-host`, the test worker and the live stack): a queue nobody consumes would leave students'
Starts waiting for ever."""

from pathlib import Path

from webgns.celery import app
from webgns.tasks.queues import COORDINATOR_QUEUE, compute_queue, exec_queue, pool_queue

ROOT = Path(__file__).resolve().parents[2]
HOST = "${WEBGNS_COMPUTE_HOST:-local}"


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_resume_of_a_claimed_copy_has_its_own_queue():
    source = (ROOT / "webgns/classrooms/copies.py").read_text()
    assert "queue=pool_queue(host)" in source
    assert pool_queue("b") == "pool.b" != compute_queue("b")
    assert _queue("webgns.tasks.prepare_copy") == COORDINATOR_QUEUE  # refills never take the resumes' worker


def test_every_queue_has_a_worker_everywhere():
    launchers = {
        "Procfile": (ROOT / "Procfile").read_text(),
        "docker-compose.yml": (ROOT / "docker-compose.yml").read_text(),
    }
    for queue in (compute_queue(HOST), exec_queue(HOST), pool_queue(HOST)):
        for name, text in launchers.items():
            assert queue in text, (name, queue)
    # `make run` and `make compute-host` start theirs through scripts/workers.sh.
    workers = (ROOT / "scripts/workers.sh").read_text()
    assert "host=${WEBGNS_COMPUTE_HOST:-local}" in workers
    for queue in (compute_queue("$host"), exec_queue("$host"), pool_queue("$host")):
        assert queue in workers, queue
    for script in ("scripts/run.sh", "scripts/compute-host.sh"):
        assert "source scripts/workers.sh" in (ROOT / script).read_text(), script
    live = (ROOT / "tests/live_stack.py").read_text()
    conftest = (ROOT / "tests/conftest.py").read_text()
    for maker in ("compute", "exec", "pool"):
        assert f"{maker}.{{self.compute_host}}" in live, maker
        assert f"{maker}_queue(host)" in conftest, maker
