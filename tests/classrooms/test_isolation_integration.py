"""A real run: five students press start at once; each gets a private copy of the same 2-node lab.

Every copy reuses 10.0.0.1/.2 on purpose. Each copy's pc1 reaches its own pc2 (the MAC it learns
is its own pc2's), and no copy reaches another's nodes: an extra address put on each copy's pc2
answers only inside that copy. Real dockerd, real worker, real veth links, real ICMP.
"""

from concurrent.futures import ThreadPoolExecutor

import docker
import pytest
from django.db import connection

from tests.conftest import wait_for
from tests.integration.conftest import run, wait_operation
from webgns.classrooms.models import StudentCopy
from webgns.labs.models import Node, Project

pytestmark = pytest.mark.integration

STUDENTS = 5


@pytest.fixture
def host_cleanup(worker):
    """Whatever the test leaves, every project of this test database is removed from the host."""
    client = docker.from_env()
    yield client
    from webgns.compute.lab import LabEngine

    engine = LabEngine(client)
    for project_id in Project.objects.values_list("pk", flat=True):
        engine.remove_project(str(project_id))
    client.close()


def labelled(client, label: str = "webgns.project") -> list[dict]:
    # The low-level list: the high-level one inspects each container and races with their removal.
    return client.api.containers(all=True, filters={"label": label})


def press_start(room, student) -> dict:
    try:
        response = room.start(student)
        assert response.status_code == 202, response.content
        return response.json()
    finally:
        connection.close()  # this thread's own connection


def node(project_id: str, name: str) -> dict:
    found = Node.objects.get(project_id=project_id, name=name)
    return {"id": str(found.id), "name": name}


def test_five_students_get_isolated_copies(classroom, host_cleanup):
    room = classroom(students=STUDENTS)
    with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
        started = list(pool.map(lambda s: press_start(room, s), room.students))
    assert StudentCopy.objects.count() == STUDENTS
    for body, student in zip(started, room.students, strict=True):
        op = wait_operation(student, body["operation"], timeout=120)
        assert op["status"] == "done", op
    copies = room.teacher.get(f"{room.url}copies/").json()
    assert all(c["status"] == "started" for c in copies), copies

    projects = [body["copy"]["project"] for body in started]
    for i, (project_id, student) in enumerate(zip(projects, room.students, strict=True)):
        project = {"id": project_id}
        pc1, pc2 = node(project_id, "pc1"), node(project_id, "pc2")
        # Each node has its own link only: loopback and eth0, nothing shared with other copies.
        links = run(student, project, pc1, "ip -o link show")["output"].splitlines()
        assert sorted(line.split(":")[1].split("@")[0].strip() for line in links) == ["eth0", "lo"]
        assert run(student, project, pc1, "ping -c 1 -W 2 10.0.0.2")["exit_code"] == 0
        learned = run(student, project, pc1, "ip neigh show 10.0.0.2")["output"]
        own_mac = run(student, project, pc2, "cat /sys/class/net/eth0/address")["output"].strip()
        assert own_mac in learned, (
            f"copy {i}: pc1 reached a pc2 that is not its own ({learned!r} vs {own_mac})"
        )
        run(student, project, pc2, f"ip addr add 10.0.1.{i + 1}/24 dev eth0")
        run(student, project, pc1, f"ip addr add 10.0.1.{100 + i}/24 dev eth0")

    ours = [c for c in labelled(host_cleanup) if c["Labels"]["webgns.project"] in projects]
    assert len(ours) == 2 * STUDENTS and len({c["Names"][0] for c in ours}) == 2 * STUDENTS
    assert all(c["State"] == "running" for c in ours)

    first, first_student = {"id": projects[0]}, room.students[0]
    pc1 = node(projects[0], "pc1")
    assert run(first_student, first, pc1, "ping -c 1 -W 1 10.0.1.1")["exit_code"] == 0, (
        "control: own pc2 answers"
    )
    for k in range(1, STUDENTS):
        result = run(first_student, first, pc1, f"ping -c 1 -W 1 10.0.1.{k + 1}")
        assert result["exit_code"] != 0, f"copy 0 reached copy {k}'s pc2: {result['output']}"

    # End of term: the teacher deletes every copy; the worker removes their containers.
    assert room.teacher.post(f"{room.url}copies/delete-all/").json() == {"deleted": STUDENTS}
    wait_for(
        lambda: not [c for c in labelled(host_cleanup) if c["Labels"]["webgns.project"] in projects],
        60,
        what="copies' containers removed",
    )


def containers_of(client, project_id: str) -> list[dict]:
    return labelled(client, f"webgns.project={project_id}")


def test_reset_and_stop_all_on_running_copies(classroom, host_cleanup):
    room = classroom(students=2)
    started = [press_start(room, s) for s in room.students]
    for body, student in zip(started, room.students, strict=True):
        assert wait_operation(student, body["operation"])["status"] == "done"
    first, second = (body["copy"] for body in started)
    student = room.students[0]
    run(student, {"id": first["project"]}, node(first["project"], "pc1"), "echo homework > /root/notes")

    old_nodes = {n["id"] for n in student.get(f"/api/projects/{first['project']}/nodes/").json()}
    body = room.teacher.post(f"{room.url}copies/{first['id']}/reset/").json()
    wait_for(
        lambda: not containers_of(host_cleanup, first["project"]),
        60,
        what="the old copy's containers removed",
    )
    assert body["status"] == "stopped"
    # Reset keeps the address: the same project, rebuilt with new nodes from the original.
    assert body["project"] == first["project"] and body["id"] == first["id"]
    new_nodes = student.get(f"/api/projects/{first['project']}/nodes/").json()
    assert sorted(n["name"] for n in new_nodes) == ["pc1", "pc2"]
    assert not old_nodes & {n["id"] for n in new_nodes}
    assert len(student.get(f"/api/projects/{first['project']}/links/").json()) == 1
    assert Project.objects.filter(owner=student.user).count() == 1, "no scratch project left behind"
    op = student.post(f"{room.url}assignments/{room.assignment['id']}/start/").json()["operation"]
    assert wait_operation(student, op)["status"] == "done"
    fresh = {"id": body["project"]}
    pc1 = node(body["project"], "pc1")
    assert run(student, fresh, pc1, "cat /root/notes")["exit_code"] != 0, (
        "the reset copy starts from the original"
    )
    assert run(student, fresh, pc1, "ping -c 1 -W 2 10.0.0.2")["exit_code"] == 0

    stops = room.teacher.post(f"{room.url}copies/stop-all/").json()["operations"]
    assert len(stops) == 2
    for op in stops:
        assert wait_operation(room.teacher, op)["status"] == "done"
    assert {c["status"] for c in room.teacher.get(f"{room.url}copies/").json()} == {"stopped"}
    assert not [c for c in containers_of(host_cleanup, second["project"]) if c["State"] == "running"]
    actions = [e["action"] for e in room.teacher.get(f"{room.url}audit/").json()]
    assert actions.count("stop") == 2 and actions.count("reset") == 1 and actions.count("start") == 3
