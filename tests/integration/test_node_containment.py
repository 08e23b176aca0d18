"""What a node does not get to do to its host or its neighbours, on real containers and a real worker:

- A node that writes past WEBGNS_NODE_DISK_MB to its own filesystem is stopped by its host's
  reconcile, with the reason on the node; its neighbour keeps its interface (the stop parks it).
- Docker keeps at most LOG_MAX_FILES × LOG_MAX_SIZE of a node's console output.
- A node killed outside webgns takes its veth ends with it, and the kernel deletes their peers in
  its neighbours; when it comes back (started through webgns, or outside and then reconciled), the
  neighbours get back what those ports carried — addresses and routes from their startup lines
  and from their users' consoles alike.
Addresses are in 10.0.0.0/8.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import pings, run, start, wait_operation, wait_status
from tests.labs.factories import create_link, create_node
from webgns.compute.node_disk import LOG_MAX_FILES

pytestmark = pytest.mark.integration


def container_of(docker_client, node: dict):
    (container,) = docker_client.containers.list(all=True, filters={"label": f"webgns.node={node['id']}"})
    return container


def node_of(api, project: dict, node: dict) -> dict:
    return api.get(f"/api/projects/{project['id']}/nodes/{node['id']}/").json()


def test_a_node_past_its_disk_limit_is_stopped_with_the_reason(api, lab_project, templates, docker_client, settings):
    from webgns.tasks.reconcile import reconcile_host

    settings.WEBGNS_NODE_DISK_MB = 8
    project = lab_project("disk")
    hog = create_node(api, project, templates["busybox"], "hog", startup=["ip addr add 10.0.51.1/24 dev eth0"])
    peer = create_node(api, project, templates["busybox"], "peer", startup=["ip addr add 10.0.51.2/24 dev eth0"])
    link = create_link(api, project, hog, peer)
    assert wait_operation(api, start(api, project))["status"] == "done"
    assert run(api, project, hog, "dd if=/dev/zero of=/small bs=1M count=2")["exit_code"] == 0
    reconcile_host.delay().get(timeout=120)
    assert node_of(api, project, hog)["status"] == "started", "2 MiB is within the 8 MiB limit"

    assert run(api, project, hog, "dd if=/dev/zero of=/big bs=1M count=12")["exit_code"] == 0
    reconcile_host.delay().get(timeout=120)
    found = node_of(api, project, hog)
    assert found["status"] == "error", found
    assert "8 MiB" in found["error"] and "WEBGNS_NODE_DISK_MB" in found["error"], found["error"]
    assert container_of(docker_client, hog).status == "exited"
    gone = api.get(f"/api/projects/{project['id']}/links/{link['id']}/").json()
    assert gone["status"] == "down" and "hog" in gone["error"], gone
    # The neighbour keeps its interface and address while the hog is stopped.
    assert "10.0.51.2/24" in run(api, project, peer, "ip addr show eth0")["output"]


def test_a_nodes_console_log_is_capped(api, lab_project, templates, docker_client):
    project = lab_project("log")
    chatty = create_node(api, project, templates["busybox"], "chatty")
    assert wait_operation(api, start(api, project))["status"] == "done"
    # 6 MiB to the container's own output (what Docker logs), far past the cap.
    command = "dd if=/dev/zero bs=64k count=96 2>/dev/null | tr '\\0' 'x' | fold -w 1023 > /proc/1/fd/1; echo done"
    assert run(api, project, chatty, command, timeout=60)["output"].strip().endswith("done")
    container = container_of(docker_client, chatty)
    container.reload()
    config = container.attrs["HostConfig"]["LogConfig"]
    assert config["Type"] == "json-file" and config["Config"]["max-size"] == "1m", config
    log_path = container.attrs["LogPath"]
    files = [log_path] + [f"{log_path}.{i}" for i in range(1, LOG_MAX_FILES + 1)]
    total = sum(os.path.getsize(f) for f in files if os.path.exists(f))
    # json-file wraps each line (~1.1 kB of x) in ~100 bytes of JSON; the cap holds on the file sizes.
    assert total <= LOG_MAX_FILES * (1 << 20) + (256 << 10), f"{total} bytes of log"


@pytest.mark.parametrize("comes_back", ["through webgns", "outside webgns"])
def test_neighbours_come_back_as_they_were_after_a_node_is_killed(
        api, lab_project, templates, docker_client, comes_back):
    from webgns.tasks.reconcile import reconcile_host

    project = lab_project("neighbours")
    router = create_node(api, project, templates["busybox"], "r", startup=[
        "ip addr add 10.0.52.1/24 dev eth0", "ip addr add 10.0.53.1/24 dev eth1",
        "ip route add 10.0.54.0/24 via 10.0.52.2"])  # fmt: skip
    victim = create_node(api, project, templates["busybox"], "pc1", startup=["ip addr add 10.0.52.2/24 dev eth0"])
    other = create_node(api, project, templates["busybox"], "pc2", startup=["ip addr add 10.0.53.2/24 dev eth0"])
    create_link(api, project, router, victim, a_port="eth0")
    create_link(api, project, router, other, a_port="eth1")
    assert wait_operation(api, start(api, project))["status"] == "done"
    # Typed in a console, not in the startup lines: it must come back too.
    assert run(api, project, router, "ip addr add 10.0.52.100/24 dev eth0")["exit_code"] == 0
    reconcile_host.delay().get(timeout=120)  # records what the ports carry now
    assert pings(api, project, victim, "10.0.52.100")

    container_of(docker_client, victim).kill()
    reconcile_host.delay().get(timeout=120)
    wait_status(api, project, [victim], "error")
    assert "eth0" not in run(api, project, router, "ip -o link show")["output"], "the peer died with the victim"

    if comes_back == "through webgns":
        response = api.post(f"/api/projects/{project['id']}/nodes/{victim['id']}/start/")
        assert response.status_code in (200, 202), response.content
        wait_status(api, project, [victim], "started")
    else:
        container_of(docker_client, victim).start()
        reconcile_host.delay().get(timeout=120)
        wait_status(api, project, [victim], "started")

    shown = wait_for(lambda: (out := run(api, project, router, "ip -o addr show dev eth0")["output"])
                     and "10.0.52.1/24" in out and out, timeout=30, what="r's eth0 addresses back")  # fmt: skip
    assert "10.0.52.100/24" in shown, shown
    assert "10.0.54.0/24 via 10.0.52.2" in run(api, project, router, "ip route")["output"]
    assert pings(api, project, victim, "10.0.52.1")
    assert pings(api, project, victim, "10.0.52.100")
    assert pings(api, project, other, "10.0.53.1"), "the router's other port was never touched"


def test_a_node_killed_by_the_oom_killer_says_it_ran_out_of_memory(api, lab_project, templates, docker_client):
    from webgns.tasks.reconcile import reconcile_host

    project = lab_project("oom")
    # The node's main process grows without bound (tail keeps a line with no newline in memory).
    hog = create_node(api, project, templates["busybox"], "hog", start_command="sleep 1; exec tail /dev/zero")
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_for(lambda: container_of(docker_client, hog).status == "exited", timeout=60, what="the OOM killer")
    reconcile_host.delay().get(timeout=120)
    found = node_of(api, project, hog)
    assert found["status"] == "error", found
    assert "ran out of memory" in found["error"] and "64 MB" in found["error"], found["error"]


def test_a_silent_docker_shows_nodes_unknown_and_the_host_down(api, lab_project, templates, monkeypatch, tmp_path):
    """Docker not answering on the node's host (a socket nothing listens on, as after dockerd died)."""
    import docker

    from webgns.compute.lab import LabEngine
    from webgns.labs.models import ComputeHost
    from webgns.tasks import host_heartbeat, reconcile

    project = lab_project("outage")
    node = create_node(api, project, templates["busybox"], "pc1")
    assert wait_operation(api, start(api, project))["status"] == "done"
    here = node_of(api, project, node)["compute_host"]

    silent = LabEngine(docker.DockerClient(base_url=f"unix://{tmp_path}/docker.sock", version="1.41", timeout=2))
    monkeypatch.setattr(reconcile, "lab_engine", lambda: silent)
    monkeypatch.setattr(host_heartbeat, "lab_engine", lambda: silent)
    reconcile._reconcile()
    found = node_of(api, project, node)
    assert found["status"] == "unknown" and "does not answer" in found["error"], found
    host_heartbeat.beat(here)
    host = ComputeHost.objects.get(name=here)
    assert host.status == "down" and "does not answer" in host.status_reason

    monkeypatch.undo()  # Docker answers again: the truth comes back
    assert host_heartbeat.beat(here) is True, "the host says it is back"
    reconcile._reconcile()
    assert node_of(api, project, node)["status"] == "started"
