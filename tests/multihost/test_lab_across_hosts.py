"""A lab spanning two compute hosts, driven through the REST API: a webgns worker on each host.

Host a is this machine's namespace and dockerd, served by the live stack's own worker
(`WEBGNS_COMPUTE_HOST=a`); host b is `second_host.py`'s namespace and dockerd, served by a real
webgns worker started inside that namespace (`nsenter --net=`, `WEBGNS_COMPUTE_HOST=b`,
`DOCKER_HOST` = host b's dockerd) that consumes `compute.b` and `exec.b`. Both reach the same
SQLite file (a file crosses namespaces) and a redis-server of this module's own, bound to
127.0.0.1 and host a's underlay address (host b's namespace reaches only the latter).

Nodes are pinned to their host through the API (the stack's user is staff). Everything of host b
(namespace, dockerd, worker) and the Redis server is started and removed by fixtures, also when a
test fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import docker
import pytest
from websockets.asyncio.client import connect

from tests.iperf import iperf3_tcp, received_bps
from tests.live.console_client import Terminal
from tests.waiting import wait_for
from webgns.compute.namespaces import netns_path

from .webgns_hosts import Lab, webgns_on_two_hosts

pytestmark = [pytest.mark.multihost, pytest.mark.integration]

RATE_KBPS = 2000


@pytest.fixture(scope="module")
def two_hosts(host_b, tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip(reason="needs redis-server (a Redis of the test's own that host b's namespace can reach)")
    with webgns_on_two_hosts(host_b, tmp_path_factory.mktemp("redis")) as (stack, worker_b):
        yield stack, host_b, worker_b


def _containers(client: docker.DockerClient, project_id: str) -> list:
    # sparse: a full listing inspects each container, which races the removals a test waits for.
    return client.containers.list(all=True, sparse=True, filters={"label": f"webgns.project={project_id}"})


def _pid(client: docker.DockerClient, project_id: str, node_id: str) -> int:
    (container,) = client.containers.list(filters={"label": f"webgns.node={node_id}"})
    return container.attrs["State"]["Pid"]


def _tcp_bps(server_pid: int, client_pid: int, address: str, seconds: int = 3) -> float:
    """TCP from one node to another (their namespaces), bits/s received."""
    return received_bps(iperf3_tcp(netns_path(server_pid), netns_path(client_pid), address, seconds))




async def _console_lines(stack, lab: Lab, node: dict, commands: list[str]) -> list[str]:
    """Each command's output through the node's console socket (Daphne, then the node's host)."""
    path = f"/ws/projects/{lab.project['id']}/nodes/{node['id']}/console/?token={stack.token}"
    async with connect(f"{stack.ws_url}{path}", origin=stack.base_url, max_size=None, open_timeout=10) as socket:
        async def receive(timeout: float) -> bytes:
            return await asyncio.wait_for(socket.recv(), timeout)

        term = Terminal(socket.send, receive)
        return [await term.run(command, timeout=20) for command in commands]


async def _link_loads_during(stack, lab: Lab, link_id: str, traffic) -> list[float]:
    """a_to_b bit rates `link.stats` reports for the link while `traffic()` runs (in a thread)."""
    path = f"/ws/projects/{lab.project['id']}/events/?token={stack.token}"
    loads: list[float] = []
    async with connect(f"{stack.ws_url}{path}", origin=stack.base_url, max_size=None, open_timeout=10) as socket:
        running = asyncio.create_task(asyncio.to_thread(traffic))
        while not running.done():
            with contextlib.suppress(TimeoutError):
                event = json.loads(await asyncio.wait_for(socket.recv(), 1))
                if event.get("type") == "link.stats" and link_id in event["links"]:
                    loads.append(event["links"][link_id]["a_to_b"]["bps"])
        await running
    return loads


def _vxlan_devices(netns: str | None) -> str:
    command = ["ip", "-d", "-o", "link", "show", "type", "vxlan"]
    if netns is not None:
        command = ["ip", "-n", Path(netns).name, *command[1:]]
    return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout


def test_a_lab_on_two_hosts_carries_traffic_is_shaped_and_leaves_nothing(two_hosts):
    stack, host_b, _worker_b = two_hosts
    client_a, client_b = docker.from_env(), host_b.client()
    lab = Lab(stack, f"across-{uuid.uuid4().hex[:6]}")
    # h1 (a) -- h2 (b) directly; h3 (b) and h4 (a) on a bridge switch on host a. h1's startup
    # pings h2: it passes only if every host's ends and h2's address exist before it runs.
    h1 = lab.node("h1", "busybox", "a", startup=["ip addr add 10.81.0.1/24 dev eth0", "ping -c 2 -W 3 10.81.0.2"])
    h2 = lab.node("h2", "busybox", "b", startup=["ip addr add 10.81.0.2/24 dev eth0"])
    h3 = lab.node("h3", "busybox", "b", startup=["ip addr add 10.82.0.3/24 dev eth0"])
    h4 = lab.node("h4", "busybox", "a", startup=["ip addr add 10.82.0.4/24 dev eth0"])
    sw = lab.node("sw", "bridge", "a")
    direct = lab.link(h1, "eth0", h2, "eth0")
    to_b = lab.link(sw, "eth0", h3, "eth0")
    local = lab.link(sw, "eth1", h4, "eth0")
    assert direct["vni"] is not None and to_b["vni"] is not None and direct["vni"] != to_b["vni"]
    assert local["vni"] is None

    op = lab.operation("start/")
    assert op["status"] == "done", op["error"]
    assert {n["name"]: (n["status"], n["compute_host"]) for n in lab.nodes().values()} == {
        "h1": ("started", "a"), "h2": ("started", "b"), "h3": ("started", "b"), "h4": ("started", "a"),
        "sw": ("started", "a")}
    links = wait_for(lambda: (found := lab.links()) and all(lk["status"] == "up" for lk in found.values()) and found,
                     30, what="every link up")
    assert {e: links[direct["id"]]["ends"][e]["status"] for e in "ab"} == {"a": "up", "b": "up"}
    # Each node is on its own host's dockerd, and only there.
    assert len(_containers(client_a, lab.project["id"])) == 3
    assert len(_containers(client_b, lab.project["id"])) == 2

    # Ping both ways through the API's exec: the remote node's command runs on host b's worker.
    result = lab.exec(h2, "ping -c 3 -i 0.2 -W 2 10.81.0.1")
    assert result["exit_code"] == 0, result["output"]
    result = lab.exec(h4, "ping -c 3 -i 0.2 -W 2 10.82.0.3")  # a → bridge on a → VXLAN → b
    assert result["exit_code"] == 0, result["output"]
    result = lab.exec(h3, "ping -c 3 -i 0.2 -W 2 -s 1472 10.82.0.4")  # full-size frames are not lost
    assert result["exit_code"] == 0, result["output"]

    # A console on host b's node through Daphne: host b's console relay opens the shell there.
    address, pinged = asyncio.run(_console_lines(stack, lab, h2, [
        "ip -o -4 addr show eth0 | awk '{print $4}'", "ping -c 1 -W 3 10.81.0.1 >/dev/null; echo $?"]))
    assert (address, pinged) == ("10.81.0.2/24", "0")

    # A capture on host b's end of the cross-host link (its task runs on host b's worker).
    base = lab.url(f"/api/projects/{lab.project['id']}/links/{direct['id']}/captures/")
    capture = lab._post(base.removeprefix(stack.base_url), {"end": "b", "filter": "icmp"})
    wait_for(lambda: stack.api.get(f"{base}{capture['id']}/").json()["status"] == "running", 30,
             what="the capture to run")
    assert lab.exec(h1, "ping -c 3 -i 0.2 -W 2 10.81.0.2")["exit_code"] == 0
    wait_for(lambda: stack.api.get(f"{base}{capture['id']}/").json()["packets"] >= 6, 20, what="six packets captured")
    stack.api.post(f"{base}{capture['id']}/stop/", timeout=30)
    packets = stack.api.get(f"{base}{capture['id']}/packets/", timeout=30).json()
    assert [p["protocol"] for p in packets].count("ICMP") >= 6, packets

    # TCP across the VXLAN link, then with a rate limit on h1 → h2 (tbf on h1's VXLAN end).
    pid_h1, pid_h2 = _pid(client_a, lab.project["id"], h1["id"]), _pid(client_b, lab.project["id"], h2["id"])
    free = _tcp_bps(pid_h2, pid_h1, "10.81.0.2")
    assert free > 50e6, f"{free / 1e6:.1f} Mbit/s unshaped"
    response = stack.api.patch(lab.url(f"/api/projects/{lab.project['id']}/links/{direct['id']}/"),
                               json={"impairment": {"a_to_b": {"rate_kbps": RATE_KBPS}}}, timeout=30)
    assert response.status_code == 200, response.text

    def shaped():
        return (bps := _tcp_bps(pid_h2, pid_h1, "10.81.0.2", seconds=4)) < RATE_KBPS * 1000 * 1.3 and bps

    bps = wait_for(shaped, 60, what="the rate limit to apply", interval=0.5)
    print(f"cross-host TCP: {free / 1e6:.1f} Mbit/s unshaped, {bps / 1e6:.2f} Mbit/s at rate_kbps={RATE_KBPS}")
    assert bps > RATE_KBPS * 1000 * 0.7, f"{bps / 1e6:.2f} Mbit/s"
    # Link load of the cross-host link, read at its a end on host a, through the events socket.
    loads = asyncio.run(_link_loads_during(stack, lab, direct["id"],
                                           lambda: _tcp_bps(pid_h2, pid_h1, "10.81.0.2", seconds=6)))
    loaded = sorted(bps for bps in loads if bps > RATE_KBPS * 1000 * 0.3)
    print(f"link.stats a_to_b of the cross-host link at rate_kbps={RATE_KBPS}: {[round(x / 1e6, 2) for x in loads]}")
    assert len(loaded) >= 3, loads
    assert RATE_KBPS * 1000 * 0.8 <= loaded[len(loaded) // 2] <= RATE_KBPS * 1000 * 1.2, loads
    back = _tcp_bps(pid_h1, pid_h2, "10.81.0.1")  # b → a is not limited
    assert back > 50e6, f"{back / 1e6:.1f} Mbit/s b → a"

    lab.delete()
    wait_for(lambda: not _containers(client_a, lab.project["id"]) and not _containers(client_b, lab.project["id"]),
             60, what="both hosts' containers to go")
    for netns in (None, host_b.netns):  # no VXLAN device was ever left in either host's namespace
        assert "webgns" not in _vxlan_devices(netns), _vxlan_devices(netns)
    assert not os.path.exists(f"/run/netns/webgns-park-{lab.project['id']}")


def test_an_ovs_switch_on_host_a_serves_a_node_on_host_b(two_hosts):
    """The switch's port for the node on host b is a VXLAN device in host a's namespace."""
    stack, host_b, _worker_b = two_hosts
    client_a, client_b = docker.from_env(), host_b.client()
    lab = Lab(stack, f"ovs-{uuid.uuid4().hex[:6]}")
    pa = lab.node("pa", "busybox", "a", startup=["ip addr add 10.83.0.1/24 dev eth0"])
    pb = lab.node("pb", "busybox", "b", startup=["ip addr add 10.83.0.2/24 dev eth0"])
    sw = lab.node("sw", "ovs", "a")
    across = lab.link(sw, "eth0", pb, "eth0")
    lab.link(sw, "eth1", pa, "eth0")
    assert across["vni"] is not None
    op = lab.operation("start/")
    assert op["status"] == "done", op["error"]
    wait_for(lambda: all(lk["status"] == "up" for lk in lab.links().values()), 30, what="both links up")
    result = lab.exec(pb, "ping -c 3 -i 0.2 -W 2 10.83.0.1")
    assert result["exit_code"] == 0, result["output"]
    result = lab.exec(pa, "ping -c 2 -W 2 -s 1472 10.83.0.2")  # full-size frames through the switch
    assert result["exit_code"] == 0, result["output"]
    pid_a, pid_b = _pid(client_a, lab.project["id"], pa["id"]), _pid(client_b, lab.project["id"], pb["id"])
    for server, client, address in ((pid_b, pid_a, "10.83.0.2"), (pid_a, pid_b, "10.83.0.1")):
        bps = _tcp_bps(server, client, address)
        print(f"TCP through OVS (userspace datapath) across hosts to {address}: {bps / 1e6:.1f} Mbit/s")
        assert bps > 10e6, f"{bps / 1e6:.1f} Mbit/s"
    lab.delete()
    wait_for(lambda: not _containers(client_a, lab.project["id"]) and not _containers(client_b, lab.project["id"]),
             60, what="both hosts' containers to go")
    # The switch's port goes with its bridge, which host a removes after the containers.
    wait_for(lambda: "webgns" not in _vxlan_devices(None), 30, what="the switch's VXLAN port to go")


def test_killing_host_bs_worker_shows_its_nodes_in_error_and_a_restart_brings_them_back(two_hosts):
    stack, _host_b, worker_b = two_hosts
    lab = Lab(stack, f"kill-b-{uuid.uuid4().hex[:6]}")
    pc_a = lab.node("pc-a", "busybox", "a")
    pc_b = lab.node("pc-b", "busybox", "b")
    lab.link(pc_a, "eth0", pc_b, "eth0")
    assert lab.operation("start/")["status"] == "done"

    worker_b.kill()
    killed = time.monotonic()
    try:
        # Host a's heartbeat notices host b's silence (WEBGNS_HOST_DOWN_AFTER) and says why.
        went = wait_for(lambda: lab.nodes()["pc-b"]["status"] == "error" and lab.nodes()["pc-b"], 35,
                        what="pc-b to show error")
        seen_after = time.monotonic() - killed
        hosts = {h["name"]: h for h in stack.api.get(f"{stack.base_url}/api/compute/", timeout=30).json()["hosts"]}
        refused = stack.api.post(lab.url(f"/api/projects/{lab.project['id']}/nodes/{pc_b['id']}/start/"), timeout=30)
    finally:
        worker_b.start()
    assert seen_after <= 30, f"error shown {seen_after:.1f} s after the kill"
    assert "compute host 'b' stopped answering" in went["error"], went
    assert hosts["b"]["status"] == "down" and hosts["a"]["status"] == "up", hosts
    assert refused.status_code == 409 and "Compute host 'b' is down" in refused.text, refused.text
    # Restarted, host b beats again and its reconcile finds pc-b's container running: the truth comes back.
    wait_for(lambda: lab.nodes()["pc-b"]["status"] == "started", 60, what="pc-b started again")
    assert lab.nodes()["pc-a"]["status"] == "started"
    assert lab.exec(pc_b, "echo back")["output"].strip() == "back"
