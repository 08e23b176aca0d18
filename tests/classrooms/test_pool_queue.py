"""A claimed copy resumes on the `pool` queue, and every queue a task is routed to has a worker
wherever webgns is run (Procfile, docker-compose, `make run`, the test worker and the live stack):
a queue nobody consumes would leave students' Starts waiting for ever."""

from pathlib import Path

from webgns.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_resume_of_a_claimed_copy_has_its_own_queue():
    assert _queue("webgns.tasks.resume_claimed_copy") == "pool"
    assert _queue("webgns.tasks.prepare_copy") == "lab"  # refills never take the resumes' worker


def test_every_routed_queue_has_a_worker_everywhere():
    queues = {route["queue"] for route in app.conf.task_routes.values()} | {app.conf.task_default_queue}
    procfile = (ROOT / "Procfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    run = (ROOT / "scripts/run.sh").read_text()
    conftest = (ROOT / "tests/conftest.py").read_text()
    live = (ROOT / "tests/live_stack.py").read_text()
    for queue in queues:
        assert f"-Q {queue} " in procfile, queue
        assert f'"-Q", "{queue}"' in compose, queue
        assert f"-Q {queue} " in run, queue
        assert f'"{queue}"' in conftest, queue
        assert queue in live.split('"-Q", "')[1].split('"')[0].split(","), queue
