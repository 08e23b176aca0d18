"""The OSPF triangle example through the API and a real worker: FRR daemons, real adjacencies, real packets.

Three webgns/frr routers (r1, r2, r3) in a triangle with hello/dead 1/4 s and a webgns/host behind
r1 (h1, 10.1.1.10) and r3 (h3, 10.3.3.10). Deleting the r1–r3 link on the running lab must move
the path through r2 and bring the ping back.
"""

import json
import time

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import instantiate_example, needs_images, pings, run, start, wait_operation, wait_status

pytestmark = pytest.mark.integration

NEIGHBOURS = {"r1": 2, "r2": 2, "r3": 2}


def full_neighbours(api, project: dict, router: dict) -> int:
    result = run(api, project, router, "vtysh -c 'show ip ospf neighbor json'")
    if result["exit_code"] != 0:
        return 0
    try:
        neighbours = json.loads(result["output"]).get("neighbors", {})
    except ValueError:
        return 0
    return sum(1 for entries in neighbours.values() for n in entries if n.get("state", "").startswith("Full"))


def all_full(api, project: dict, routers: dict) -> bool:
    return all(full_neighbours(api, project, routers[name]) == count for name, count in NEIGHBOURS.items())


def hops(api, project: dict, node: dict, address: str) -> list[str]:
    """The path as traceroute sees it: per hop the first address that answered (three probes each;
    a single lost probe on this busy host is not a routing fact)."""
    result = run(api, project, node, f"traceroute -n -q 3 -w 2 -m 6 {address}", timeout=60)
    assert result["exit_code"] == 0, result
    path = []
    for line in result["output"].splitlines()[1:]:
        answered = [word for word in line.split()[1:] if word.count(".") == 3 and word[0].isdigit()]
        path.append(answered[0] if answered else "*")
    return path


def test_ospf_triangle_converges_routes_and_reroutes(api, lab_project, templates, docker_client):
    needs_images(docker_client, "webgns/frr:latest", "webgns/host:latest")
    project, nodes = instantiate_example(api, lab_project, "ospf-triangle", "ospf")
    assert nodes["r1"]["role"] == "router" and nodes["h1"]["role"] == "host"
    assert "router ospf" in nodes["r1"]["effective_files"]["/etc/frr/frr.conf"]
    assert "ospfd=yes" in nodes["r1"]["effective_files"]["/etc/frr/daemons"]
    routers = {name: nodes[name] for name in NEIGHBOURS}

    started = time.monotonic()
    op = wait_operation(api, start(api, project), timeout=180)
    assert op["status"] == "done", op
    wait_status(api, project, list(nodes.values()), "started")
    try:
        wait_for(lambda: all_full(api, project, routers), 60, interval=0.5, what="every OSPF adjacency to be Full")
    except AssertionError:
        for command in ("ps ax", "ip -br addr", "vtysh -c 'show ip ospf neighbor'", "vtysh -c 'show running-config'",
                        "cat /etc/frr/frr.conf; ls -l /etc/frr"):
            print(command, run(api, project, routers["r1"], command)["output"])
        raise
    print(f"\nOSPF triangle: Start to all adjacencies Full in {time.monotonic() - started:.1f} s")

    wait_for(lambda: pings(api, project, nodes["h1"], "10.3.3.10"), 30, what="h1 to reach h3 across the routers")
    direct = ["10.1.1.1", "10.0.13.3", "10.3.3.10"]
    # All Full is not yet all routes: SPF runs just after; wait for the path rather than race it.
    wait_for(lambda: hops(api, project, nodes["h1"], "10.3.3.10") == direct, 30, interval=1,
             what=f"h1's traceroute to h3 to take the direct path {direct}")

    links = api.get(f"/api/projects/{project['id']}/links/").json()
    by_ends = {frozenset((ln["a"]["node"], ln["b"]["node"])): ln for ln in links}
    r1_r3 = by_ends[frozenset((nodes["r1"]["id"], nodes["r3"]["id"]))]
    assert api.delete(f"/api/projects/{project['id']}/links/{r1_r3['id']}/").status_code == 204
    cut = time.monotonic()
    wait_for(lambda: pings(api, project, nodes["h1"], "10.3.3.10"), 30, interval=0.2,
             what="the ping to recover through r2")
    print(f"OSPF triangle: ping back {time.monotonic() - cut:.1f} s after the r1-r3 link was deleted")
    around = ["10.1.1.1", "10.0.12.2", "10.0.23.3", "10.3.3.10"]
    wait_for(lambda: hops(api, project, nodes["h1"], "10.3.3.10") == around, 30, interval=1,
             what=f"h1's traceroute to h3 to go around through r2 {around}")
    assert full_neighbours(api, project, routers["r1"]) == 1
