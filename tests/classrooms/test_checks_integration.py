"""Auto-graded checks on real copies: real worker, real busybox containers, real ICMP.

A student's copy of the 2-node lab (pc1 10.0.0.1, pc2 10.0.0.2) is checked: a command check on
`ip addr`, a `reaches` check that fails until the student fixes pc2's address through exec,
a check that times out, and a check on a node that is stopped; the teacher's grid and CSV show
both runs.
"""

import csv
import io

import pytest

from tests.classrooms.test_isolation_integration import host_cleanup, node, press_start  # noqa: F401
from tests.conftest import wait_for
from tests.integration.conftest import run, wait_operation

pytestmark = pytest.mark.integration


def add_check(room, body: dict) -> dict:
    response = room.teacher.post(f"{room.url}assignments/{room.assignment['id']}/checks/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def check_and_wait(room, client, copy_id: str, timeout: float = 90) -> dict:
    response = client.post(f"{room.url}copies/{copy_id}/check/")
    assert response.status_code == 202, response.content
    run_id = response.json()["operation"]

    def finished():
        body = client.get(f"{room.url}check-runs/{run_id}/").json()
        return body if body["status"] in ("done", "error") else None

    body = wait_for(finished, timeout, what=f"check run {run_id}")
    assert body["status"] == "done", body
    return {r["name"]: r for r in body["results"]}


def test_checks_fail_then_pass_and_the_grid_keeps_both(classroom, host_cleanup):  # noqa: F811
    room = classroom(students=1)
    add_check(room, {"name": "pc1 address", "node": "pc1", "command": "ip addr show eth0",
                     "expect": {"output_contains": "10.0.0.1"}})
    add_check(room, {"name": "pc1 reaches 10.0.0.3", "kind": "reaches", "node": "pc1", "target": "10.0.0.3",
                     "hint": "Give pc2 the address 10.0.0.3/24."})
    add_check(room, {"name": "pc2 has 10.0.0.3", "kind": "address", "node": "pc2", "target": "10.0.0.3/24",
                     "interface": "eth0"})
    add_check(room, {"name": "route", "kind": "route", "node": "pc1", "target": "10.0.0.0/24"})
    student = room.students[0]
    body = press_start(room, student)
    assert wait_operation(student, body["operation"])["status"] == "done"
    copy, project = body["copy"]["id"], body["copy"]["project"]

    first = check_and_wait(room, student, copy)
    assert first["pc1 address"]["passed"] is True, first
    assert first["route"]["passed"] is True, first
    assert first["pc1 reaches 10.0.0.3"]["passed"] is False
    assert first["pc1 reaches 10.0.0.3"]["hint"] == "Give pc2 the address 10.0.0.3/24."
    assert "ping" in first["pc1 reaches 10.0.0.3"]["output"]
    assert first["pc2 has 10.0.0.3"]["passed"] is False

    run(student, {"id": project}, node(project, "pc2"), "ip addr add 10.0.0.3/24 dev eth0")
    second = check_and_wait(room, student, copy)
    assert all(r["passed"] for r in second.values()), second
    assert all(r["hint"] == "" for r in second.values())

    latest = student.get(f"{room.url}copies/{copy}/checks/").json()
    assert [r["passed"] for r in latest] == [True, True, True, True]
    assert all(r["ran_at"] for r in latest)

    grid = room.teacher.get(f"{room.url}assignments/{room.assignment['id']}/grades/").json()
    (row,) = grid["rows"]
    assert row["student"] == student.user.username and row["runs"] == 2 and row["passed"] == 4
    reaches = next(c for c in grid["checks"] if c["name"] == "pc1 reaches 10.0.0.3")
    cell = row["cells"][reaches["id"]]
    assert [h["passed"] for h in cell["history"]] == [True, False], "newest first, both runs kept"
    response = room.teacher.get(f"{room.url}assignments/{room.assignment['id']}/grades/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:5] == ["student", "pc1 address", "pc1 reaches 10.0.0.3", "pc2 has 10.0.0.3", "route"]
    assert lines[1][:7] == [student.user.username, "pass", "pass", "pass", "pass", "4", "4"]


def test_timeout_and_stopped_node_report_clearly(classroom, host_cleanup):  # noqa: F811
    room = classroom(students=1)
    add_check(room, {"name": "slow", "node": "pc1", "command": "sleep 30", "timeout": 2})
    add_check(room, {"name": "pc2 up", "node": "pc2", "command": "true"})
    student = room.students[0]
    body = press_start(room, student)
    assert wait_operation(student, body["operation"])["status"] == "done"
    copy, project = body["copy"]["id"], body["copy"]["project"]
    pc2 = node(project, "pc2")
    stop = student.post(f"/api/projects/{project}/nodes/{pc2['id']}/stop/")
    assert stop.status_code == 202
    assert wait_operation(student, stop.json()["operation"])["status"] == "done"

    results = check_and_wait(room, room.teacher, copy)  # a teacher may check any copy
    assert results["slow"]["passed"] is False
    assert "Timed out after 2 s" in results["slow"]["output"]
    assert results["pc2 up"]["passed"] is False
    assert "pc2 is stopped" in results["pc2 up"]["output"]


def test_check_all_fills_the_grid(classroom, host_cleanup):  # noqa: F811
    room = classroom(students=2)
    add_check(room, {"name": "pc1 reaches pc2", "kind": "reaches", "node": "pc1", "target": "10.0.0.2"})
    for student in room.students:
        body = press_start(room, student)
        assert wait_operation(student, body["operation"])["status"] == "done"
    url = f"{room.url}assignments/{room.assignment['id']}/"
    response = room.teacher.post(f"{url}check-all/")
    assert response.status_code == 202 and len(response.json()["operations"]) == 2

    def full():
        grid = room.teacher.get(f"{url}grades/").json()
        return grid if all(r["last_run"] for r in grid["rows"]) else None

    grid = wait_for(full, 90, what="a full grid")
    assert [r["passed"] for r in grid["rows"]] == [1, 1]
