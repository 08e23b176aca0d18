"""The warm pool on real containers: prepared copies are started, then paused (Docker's own
`State.Paused`); a student's Start claims one, which resumes and answers; two students pressing
Start together never get the same copy; the pool refills; its own node limit is enforced."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.classrooms.test_isolation_integration import containers_of, host_cleanup, node, press_start  # noqa: F401
from tests.conftest import wait_for
from tests.integration.conftest import run, wait_operation
from webgns.classrooms.models import StudentCopy

pytestmark = pytest.mark.integration


def pool_of(room) -> dict:
    return room.teacher.get(f"{room.url}assignments/{room.assignment['id']}/pool/").json()


def wait_pool(room, prepared: int, paused: int, timeout: float = 120) -> dict:
    return wait_for(
        lambda: (lambda p: p if p["prepared"] == prepared and p["paused"] == paused else None)(pool_of(room)),
        timeout,
        what=f"pool with {prepared} prepared, {paused} paused",
    )


def paused_flags(client, project_id: str) -> list[bool]:
    return [client.api.inspect_container(c["Id"])["State"]["Paused"] for c in containers_of(client, project_id)]


def test_prepare_claim_refill_and_no_double_claims(classroom, host_cleanup):  # noqa: F811
    room = classroom(students=3)
    url = f"{room.url}assignments/{room.assignment['id']}/"
    response = room.teacher.post(f"{url}prepare/", {"seats": 2}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["made"] == 2
    wait_pool(room, prepared=2, paused=2)
    prepared = set(
        str(p) for p in StudentCopy.objects.filter(student__isnull=True).values_list("project_id", flat=True)
    )
    for project_id in prepared:
        flags = paused_flags(host_cleanup, project_id)
        assert flags == [True, True], f"{project_id}: {flags}"
    assert room.teacher.get(f"{room.url}copies/").json() == [], "unclaimed copies are nobody's yet"

    first = room.students[0]
    body = press_start(room, first)
    assert body["copy"]["project"] in prepared, "the start claimed a prepared copy"
    assert wait_operation(first, body["operation"])["status"] == "done"
    project = body["copy"]["project"]
    assert paused_flags(host_cleanup, project) == [False, False]
    assert run(first, {"id": project}, node(project, "pc1"), "ping -c 1 -W 2 10.0.0.2")["exit_code"] == 0
    assert first.user.username in first.get(f"/api/projects/{project}/").json()["name"]

    # Two students left without a copy: the pool refills to two, in the background.
    wait_pool(room, prepared=2, paused=2)
    others = room.students[1:]
    with ThreadPoolExecutor(max_workers=2) as workers:
        bodies = list(workers.map(lambda s: press_start(room, s), others))
    projects = [b["copy"]["project"] for b in bodies]
    assert len(set(projects)) == 2, "two students never get the same copy"
    for student, b in zip(others, bodies, strict=True):
        assert wait_operation(student, b["operation"])["status"] == "done"
    copies = {c["student"]: c["project"] for c in room.teacher.get(f"{room.url}copies/").json()}
    assert sorted(copies) == sorted(s.user.username for s in room.students)
    state = pool_of(room)
    assert state["claimed"] == 3
    # Every student has a copy now: nothing more to prepare.
    assert wait_for(lambda: pool_of(room)["prepared"] == 0, 60, what="no refill past the students")


def test_the_pool_has_its_own_node_limit(classroom):
    room = classroom(students=5, pool_node_limit=4)
    url = f"{room.url}assignments/{room.assignment['id']}/"
    response = room.teacher.post(f"{url}prepare/", {"seats": 3}, format="json")
    assert response.status_code == 400 and "pool limit of 4 nodes" in response.json()["quota"][0]
    assert pool_of(room)["prepared"] == 0, "nothing half-made"
