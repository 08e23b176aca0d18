"""The capture socket on the real ASGI app: packets pushed as they pass, access, display filters.

A real two-node lab (REST API + in-process worker + dockerd) with a running capture on its link;
pings across it must arrive on the socket as decoded summaries, numbered without gaps.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid

import docker
import pytest
from asgiref.sync import sync_to_async

from tests.conftest import wait_for
from tests.labs.factories import create_link, create_node, create_project
from tests.live.conftest import token_of, wait_operation

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (Debian package tshark)"),
]


@pytest.fixture(autouse=True)
def capture_dir(settings, tmp_path):
    """Capture files in the test's own folder (the in-process worker reads the same settings)."""
    settings.WEBGNS_CAPTURE_DIR = tmp_path / "captures"


@pytest.fixture
def captured_pair(worker, api, templates):
    project = create_project(api, f"cap-{uuid.uuid4().hex[:6]}")
    a = create_node(api, project, templates["busybox"], "pc1", startup=["ip addr add 10.72.0.1/24 dev eth0"])
    b = create_node(api, project, templates["busybox"], "pc2", startup=["ip addr add 10.72.0.2/24 dev eth0"])
    link = create_link(api, project, a, b)
    operation = api.post(f"/api/projects/{project['id']}/start/").json()["operation"]
    assert wait_operation(api, operation)["status"] == "done"
    base = f"/api/projects/{project['id']}/links/{link['id']}/captures/"
    capture = api.post(base, {"end": "a"}, format="json").json()
    wait_for(lambda: api.get(f"{base}{capture['id']}/").json()["status"] == "running", 30, what="capture running")
    yield {"project": project, "a": a, "capture": capture, "base": base, "api": api, "token": token_of(api)}
    api.post(f"{base}{capture['id']}/stop/")
    api.delete(f"/api/projects/{project['id']}/")
    client = docker.from_env()
    wait_for(lambda: not client.api.containers(all=True, filters={"label": f"webgns.project={project['id']}"}),
             60, what="the lab's containers to go")


def ws_path(lab: dict) -> str:
    return f"/ws/projects/{lab['project']['id']}/captures/{lab['capture']['id']}/"


async def _packets_until(comm, enough, timeout: float = 30) -> list[dict]:
    packets, deadline = [], time.monotonic() + timeout
    while not enough(packets):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"not enough packets within {timeout}s: {packets}"
        message = await comm.receive_json_from(timeout=remaining)
        if message["type"] == "packets":
            packets += message["packets"]
    return packets


def _echo(packets: list[dict], kind: str) -> list[dict]:
    return [p for p in packets if p["protocol"] == "ICMP" and p["info"].startswith(f"Echo (ping) {kind}")]


async def test_pings_arrive_as_they_pass(captured_pair, communicator):
    lab = captured_pair
    comm = communicator(ws_path(lab), token=lab["token"])
    assert (await comm.connect(timeout=5))[0]
    try:
        first = await comm.receive_json_from(timeout=5)
        assert first["type"] == "capture" and first["capture"]["status"] == "running"
        exec_url = f"/api/projects/{lab['project']['id']}/nodes/{lab['a']['id']}/exec/"
        response = await sync_to_async(lab["api"].post)(exec_url, {"command": "ping -c 5 -i 0.3 10.72.0.2",
                                                                   "timeout": 20}, format="json")
        assert response.json()["exit_code"] == 0
        packets = await _packets_until(comm, lambda got: len(_echo(got, "reply")) >= 5)
        assert [p["no"] for p in packets] == list(range(1, len(packets) + 1)), "numbered without gaps"
        assert len(_echo(packets, "request")) == 5
        assert {(p["src"], p["dst"]) for p in _echo(packets, "request")} == {("10.72.0.1", "10.72.0.2")}
        assert any(p["protocol"] == "ARP" for p in packets)
        assert [p["time"] for p in packets] == sorted(p["time"] for p in packets)

        await sync_to_async(lab["api"].post)(f"{lab['base']}{lab['capture']['id']}/stop/")
        while True:
            message = await comm.receive_json_from(timeout=10)
            if message["type"] == "capture" and message["capture"]["status"] == "stopped":
                break
    finally:
        await comm.disconnect()

    # A late joiner with ?from= and a display filter gets the rest, filtered.
    late = communicator(ws_path(lab), token=lab["token"], **{"from": "3", "filter": "icmp.type == 0"})
    assert (await late.connect(timeout=5))[0]
    try:
        assert (await late.receive_json_from(timeout=5))["type"] == "capture"
        replies = await _packets_until(late, lambda got: len(got) >= 5)
        assert [p["no"] for p in replies] == [p["no"] for p in _echo(packets, "reply")]
    finally:
        await late.disconnect()


async def test_cross_references_are_the_files_frame_numbers(captured_pair, communicator):
    """Pings 0.3 s apart arrive in many small batches: each reply's "(request in N)" names its request by
    the number the packet list (and the downloaded .pcapng) gives it, as tshark says of the whole file."""
    lab = captured_pair
    comm = communicator(ws_path(lab), token=lab["token"])
    assert (await comm.connect(timeout=5))[0]
    try:
        assert (await comm.receive_json_from(timeout=5))["type"] == "capture"
        exec_url = f"/api/projects/{lab['project']['id']}/nodes/{lab['a']['id']}/exec/"
        # In the background, so that this test reads the batches while the pings pass, as a browser does.
        response = await sync_to_async(lab["api"].post)(
            exec_url, {"command": "ping -c 6 -i 0.4 10.72.0.2 >/dev/null 2>&1 &", "timeout": 20}, format="json")
        assert response.json()["exit_code"] == 0
        packets, batches = [], 0
        while len(_echo(packets, "reply")) < 6:
            message = await comm.receive_json_from(timeout=30)
            if message["type"] == "packets":
                packets += message["packets"]
                batches += 1
    finally:
        await comm.disconnect()
    assert batches >= 3, f"the pings arrived in {batches} batch(es): the test needs several"
    by_number = {p["no"]: p for p in packets}
    for reply in _echo(packets, "reply"):
        match = re.search(r"\(request in (\d+)\)", reply["info"])
        assert match, f"packet {reply['no']} names no request: {reply['info']}"
        request = by_number[int(match.group(1))]
        seq = re.search(r"seq=(\d+)", reply["info"]).group(1)
        assert request["info"].startswith("Echo (ping) request") and f"seq={seq}/" in request["info"], (reply, request)
    whole_file = await sync_to_async(lab["api"].get)(f"{lab['base']}{lab['capture']['id']}/packets/")
    assert {p["no"]: p["info"] for p in _echo(whole_file.json(), "reply")} == \
        {p["no"]: p["info"] for p in _echo(packets, "reply")}


async def test_bad_display_filter_closes_with_4400_and_tsharks_message(captured_pair, communicator):
    comm = communicator(ws_path(captured_pair), token=captured_pair["token"], filter="icmp.typo == 1")
    assert (await comm.connect(timeout=5))[0]
    message = await comm.receive_json_from(timeout=10)
    assert message["type"] == "error" and message["field"] == "filter" and "icmp.typo" in message["detail"]
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4400}


async def test_another_user_gets_4404(captured_pair, communicator, make_api):
    mallory = await sync_to_async(make_api)("mallory")
    comm = communicator(ws_path(captured_pair), token=await sync_to_async(token_of)(mallory))
    assert (await comm.connect(timeout=5))[0]
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}
