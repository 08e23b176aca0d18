"""Link load on the events socket: real TCP (iperf3 run in the nodes' namespaces) through a link
rate-limited to 10 Mbit/s must read 10 Mbit/s ± 10 % in `link.stats`, and sampling stops with
the last subscriber.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
import uuid

import docker
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from tests.conftest import wait_for
from tests.labs.factories import create_link, create_node, create_project
from tests.live.conftest import token_of, wait_operation
from webgns.labs import subscribers

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(shutil.which("iperf3") is None, reason="needs iperf3 on the host")]


@pytest.fixture
def shaped_pair(worker, api, templates):
    project = create_project(api, f"load-{uuid.uuid4().hex[:6]}")
    a = create_node(api, project, templates["busybox"], "pc1", startup=["ip addr add 10.73.0.1/24 dev eth0"])
    b = create_node(api, project, templates["busybox"], "pc2", startup=["ip addr add 10.73.0.2/24 dev eth0"])
    link = create_link(api, project, a, b, impairment={"a_to_b": {"rate_kbps": 10000}})
    operation = api.post(f"/api/projects/{project['id']}/start/").json()["operation"]
    assert wait_operation(api, operation)["status"] == "done"
    client = docker.from_env()

    def pid(node: dict) -> int:
        [container] = client.containers.list(filters={"label": f"webgns.node={node['id']}"})
        return container.attrs["State"]["Pid"]

    yield {"project": project, "link": link, "pid_a": pid(a), "pid_b": pid(b), "token": token_of(api)}
    api.delete(f"/api/projects/{project['id']}/")
    wait_for(lambda: not client.api.containers(all=True, filters={"label": f"webgns.project={project['id']}"}),
             60, what="the lab's containers to go")


async def test_rate_limited_link_reads_ten_megabits(shaped_pair, communicator):
    lab = shaped_pair
    project_id, link_id = lab["project"]["id"], lab["link"]["id"]
    comm = communicator(f"/ws/projects/{project_id}/events/", token=lab["token"])
    assert (await comm.connect(timeout=5))[0]
    server = subprocess.Popen(["nsenter", "-t", str(lab["pid_b"]), "-n", "iperf3", "-s", "-1", "-p", "5299"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = None
    try:
        assert (await comm.receive_json_from(timeout=5))["type"] == "snapshot"
        time.sleep(0.5)  # noqa: ASYNC251 - the server socket's listen() has no event to wait for
        client = subprocess.Popen(["nsenter", "-t", str(lab["pid_a"]), "-n", "iperf3", "-c", "10.73.0.2", "-p",
                                   "5299", "-t", "8"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stats, times, deadline = [], [], time.monotonic() + 30
        while client.poll() is None and time.monotonic() < deadline:
            event = await comm.receive_json_from(timeout=10)
            if event["type"] == "link.stats":
                assert "seq" not in event, "a measurement is not part of the numbered stream"
                stats.append(event["links"][link_id])
                times.append(time.monotonic())
        assert client.wait(timeout=20) == 0
        loaded = [s["a_to_b"]["bps"] for s in stats if s["a_to_b"]["bps"] > 1e6]
        assert len(loaded) >= 5, stats
        median = statistics.median(loaded[1:-1])
        print(f"link.stats a_to_b through rate_kbps=10000: median {median / 1e6:.2f} Mbit/s of "
              f"{[round(x / 1e6, 2) for x in loaded]}")
        assert 9e6 <= median <= 11e6, f"a_to_b median {median / 1e6:.2f} Mbit/s; samples {loaded}"
        assert max(s["b_to_a"]["bps"] for s in stats) < 2e6, "the other direction carries only ACKs"
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) > 0.5, f"at most one event a second per project: {gaps}"
    finally:
        for process in (client, server):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        await comm.disconnect()
    # Nobody watches: the sampler gives its lease up within a period or two.
    lease = subscribers.lease_key(project_id, settings.WEBGNS_COMPUTE_HOST)
    await sync_to_async(wait_for)(lambda: not subscribers._redis().exists(lease), 10, what="the sampler to stop")
    assert await sync_to_async(subscribers.count)(project_id) == 0
