"""A warm-pool copy of an FRR lab claimed after a long pause is a cold start (issue 29, item 1).

Real worker, real FRR routers, the OSPF triangle example as the assignment. The copy is prepared
(started, then frozen with `docker pause`) and left frozen past watchfrr's restart timeout (20 s,
`Restart Timeout` in `show watchfrr`): the cgroup freezer stops FRR's processes but not the clock,
so a start job watchfrr had under way when the freeze came is killed on thaw as hung — the job
that loads /etc/frr/frr.conf. That is why the wait below is 25 s and not the 2 minutes of the
report: the kill comes from the first pause past 20 s. Then the student claims the copy: every
router has its configuration, every adjacency reaches Full, the checks pass.
"""

import json
import time

import pytest

from tests.classrooms.test_checks_integration import check_and_wait
from tests.classrooms.test_isolation_integration import host_cleanup, node, press_start  # noqa: F401
from tests.classrooms.test_pool_integration import paused_flags, wait_pool
from tests.conftest import wait_for
from tests.integration.conftest import needs_images, run, wait_operation
from webgns.classrooms.models import StudentCopy

pytestmark = pytest.mark.integration

# watchfrr's restart timeout is 20 s; frozen longer than that, a start job under way is killed on thaw.
PAUSE_PAST_WATCHFRR_RESTART_TIMEOUT = 25
ROUTERS = {"r1": 2, "r2": 2, "r3": 2}


def full_adjacencies(client, project: str, router: str) -> int:
    result = run(client, {"id": project}, node(project, router), "vtysh -c 'show ip ospf neighbor json'")
    try:
        neighbours = json.loads(result["output"]).get("neighbors", {})
    except ValueError:
        return 0
    return sum(1 for entries in neighbours.values() for n in entries if n.get("state", "").startswith("Full"))


def ospf_assignment(room) -> dict:
    """A published assignment of the OSPF triangle example, with checks a converged copy passes."""
    response = room.teacher.post("/api/examples/ospf-triangle/instantiate/?name=ospf-original")
    assert response.status_code == 201, response.content
    source = response.json()
    response = room.teacher.post(f"{room.url}assignments/",
                                 {"title": "OSPF", "source": source["id"], "published": True}, format="json")
    assert response.status_code == 201, response.content
    assignment = response.json()
    room.assignment = assignment  # the helpers below and press_start use the room's assignment
    checks = [
        {"name": "r1 has 10.0.12.1", "kind": "address", "node": "r1", "target": "10.0.12.1/24", "interface": "eth1"},
        {"name": "r1 learns h3's network", "kind": "route", "node": "r1", "target": "10.3.3.0/24"},
        {"name": "h1 reaches h3", "kind": "reaches", "node": "h1", "target": "10.3.3.10"},
        {"name": "ospfd runs its configuration", "node": "r2", "command": "vtysh -c 'show ip ospf'",
         "expect": {"output_contains": "10.0.12.2"}},
    ]
    for body in checks:
        response = room.teacher.post(f"{room.url}assignments/{assignment['id']}/checks/", body, format="json")
        assert response.status_code == 201, response.content
    return assignment


def test_an_frr_copy_claimed_after_a_long_pause_has_its_configuration_and_converges(
    classroom, host_cleanup, templates  # noqa: F811
):
    needs_images(host_cleanup, "webgns/frr:latest", "webgns/host:latest")
    room = classroom(students=1)
    assignment = ospf_assignment(room)
    response = room.teacher.post(f"{room.url}assignments/{assignment['id']}/prepare/", {"seats": 1}, format="json")
    assert response.status_code == 202, response.content
    asked = time.monotonic()
    wait_pool(room, prepared=1, paused=1, timeout=180)
    prepared_in = time.monotonic() - asked
    (project,) = [str(p) for p in StudentCopy.objects.filter(student__isnull=True).values_list("project_id", flat=True)]
    assert all(paused_flags(host_cleanup, project)), "the prepared copy waits frozen"

    time.sleep(PAUSE_PAST_WATCHFRR_RESTART_TIMEOUT)  # the pause itself is what is tested

    student = room.students[0]
    pressed = time.monotonic()
    body = press_start(room, student)
    assert body["copy"]["project"] == project, "the start claimed the prepared copy"
    assert wait_operation(student, body["operation"])["status"] == "done"
    for router in ROUTERS:
        config = run(student, {"id": project}, node(project, router), "vtysh -c 'show running-config'")["output"]
        assert "router ospf" in config, f"{router} resumed without its configuration:\n{config}"
    wait_for(lambda: all(full_adjacencies(student, project, r) == n for r, n in ROUTERS.items()), 60, interval=0.5,
             what="every OSPF adjacency of the claimed copy to be Full")
    print(f"\nOSPF copy: prepared and frozen in {prepared_in:.1f} s; from the claim to all adjacencies Full "
          f"{time.monotonic() - pressed:.1f} s")
    wait_for(lambda: run(student, {"id": project}, node(project, "h1"), "ping -c 1 -W 1 10.3.3.10")["exit_code"] == 0,
             30, what="h1 to reach h3 across the routers")
    results = check_and_wait(room, student, body["copy"]["id"])
    assert all(r["passed"] for r in results.values()), results
