"""Large projects load: the snapshot comes in parts, every message well under 1 MiB.

Before this, a 2600-node project's snapshot was one message over Daphne's (and most clients')
1 MiB limit and the socket closed on every connect. Rows are made straight in the database
(tests/live/big_project.py): no containers are needed to build a snapshot.
"""

import asyncio
import json
import subprocess
import sys
import time

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect

from tests.live.big_project import make_big_project
from tests.live.conftest import token_of
from tests.live_stack import ROOT
from webgns.live.snapshot_parts import PART_BYTES, snapshot_messages

MIB = 1024 * 1024
NODES = 3000


def reassemble(messages: list[dict]) -> dict:
    """What a client holds once the part with "more": false has arrived (the editor's LabStore does the same)."""
    first, *parts = messages
    assert first["type"] == "snapshot"
    project = dict(first["project"])
    project["nodes"], project["links"] = list(project["nodes"]), list(project["links"])
    for part in parts:
        assert (part["type"], part["seq"]) == ("snapshot.part", first["seq"])
        project["nodes"] += part["nodes"]
        project["links"] += part["links"]
    assert [m["more"] for m in messages] == [True] * (len(messages) - 1) + [False]
    return {"type": "snapshot", "seq": first["seq"], "project": project}


def test_messages_reassemble_to_the_project_and_stay_under_budget():
    project = {"id": "p", "name": "lab", "nodes": [{"id": f"n{i}", "pad": "y" * 900} for i in range(1000)],
               "links": [{"id": f"l{i}", "a": {"node": f"n{i}"}} for i in range(999)]}
    texts = snapshot_messages(7, project, budget=64 * 1024)
    assert len(texts) > 10
    assert all(len(t.encode()) <= 64 * 1024 + 200 for t in texts)
    assert reassemble([json.loads(t) for t in texts])["project"] == project


def test_a_small_project_is_one_message_as_before():
    texts = snapshot_messages(3, {"id": "p", "name": "lab", "nodes": [], "links": []})
    assert [json.loads(t) for t in texts] == [
        {"type": "snapshot", "seq": 3, "project": {"id": "p", "name": "lab", "nodes": [], "links": []}, "more": False}]


def test_an_item_larger_than_the_budget_travels_alone():
    big = {"id": "big", "environment": {"PAD": "z" * 5000}}
    project = {"id": "p", "nodes": [{"id": "a"}, big, {"id": "b"}], "links": []}
    messages = [json.loads(t) for t in snapshot_messages(1, project, budget=1000)]
    assert [len(m.get("nodes", m.get("project", {}).get("nodes", []))) for m in messages] == [1, 1, 1]
    assert reassemble(messages)["project"] == project


async def receive_snapshot(receive) -> tuple[list[dict], list[int]]:
    messages, sizes = [], []
    while not messages or messages[-1]["more"]:
        text = await receive()
        sizes.append(len(text.encode()))
        messages.append(json.loads(text))
    return messages, sizes


@pytest.mark.django_db(transaction=True)
async def test_a_3000_node_project_loads_through_the_consumer(api, templates, communicator):
    project_id = await sync_to_async(make_big_project)(api.user.username, NODES)
    comm = communicator(f"/ws/projects/{project_id}/events/", token=await sync_to_async(token_of)(api))
    assert (await comm.connect(timeout=10))[0]
    try:
        started = time.monotonic()
        messages, sizes = await receive_snapshot(lambda: comm.receive_from(timeout=60))
        elapsed = time.monotonic() - started
        snapshot = reassemble(messages)
        assert len(snapshot["project"]["nodes"]) == NODES
        assert len(snapshot["project"]["links"]) == NODES - 1
        assert max(sizes) < PART_BYTES + 4096 < MIB
        print(f"{NODES} nodes: {len(messages)} messages, {sum(sizes)} bytes, largest {max(sizes)}, {elapsed:.2f} s")
        # The stream goes on after the parts: the next event follows the snapshot's seq.
        from webgns.labs import events

        seq = await sync_to_async(events.publish_now)(project_id, "operation.progress", operation={"id": "x"})
        assert (await comm.receive_json_from(timeout=5))["seq"] == seq == snapshot["seq"] + 1
    finally:
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_node_with_a_large_environment_does_not_break_the_socket(api, templates, communicator):
    """A 300 KB environment on each of 10 nodes (3 MB in all, as one message it was refused)."""
    project_id = await sync_to_async(make_big_project)(api.user.username, 10, environment_bytes=300_000)
    comm = communicator(f"/ws/projects/{project_id}/events/", token=await sync_to_async(token_of)(api))
    assert (await comm.connect(timeout=10))[0]
    try:
        messages, sizes = await receive_snapshot(lambda: comm.receive_from(timeout=30))
        assert len(reassemble(messages)["project"]["nodes"]) == 10
        assert max(sizes) < MIB
    finally:
        await comm.disconnect()


@pytest.mark.integration
async def test_a_3000_node_project_loads_through_daphne(live_stack):
    """A real Daphne and a client that, like Daphne itself, refuses any message over 1 MiB."""
    code = ("from tests.live.big_project import make_big_project; "
            f"print(make_big_project({live_stack.username!r}, {NODES}))")
    made = await asyncio.to_thread(subprocess.run, [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                                   env=live_stack.env, capture_output=True, text=True, timeout=300, check=True)
    project_id = made.stdout.strip().splitlines()[-1]
    url = f"{live_stack.ws_url}/ws/projects/{project_id}/events/?token={live_stack.token}"
    started = time.monotonic()
    async with connect(url, origin=live_stack.base_url, max_size=MIB, open_timeout=10) as socket:
        messages, sizes = await receive_snapshot(lambda: asyncio.wait_for(socket.recv(), 120))
        elapsed = time.monotonic() - started
        snapshot = reassemble(messages)
    assert len(snapshot["project"]["nodes"]) == NODES
    assert len(snapshot["project"]["links"]) == NODES - 1
    assert max(sizes) < MIB
    print(f"daphne, {NODES} nodes: {len(messages)} messages, {sum(sizes)} bytes, largest {max(sizes)}, "
          f"{elapsed:.2f} s from connect to the last part")
