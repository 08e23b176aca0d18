"""Both sockets through a real Daphne, a real Celery worker subprocess and the `websockets` client:
what a browser sees, close codes included (they only survive an accepted handshake)."""

import asyncio
import json
import time
import uuid

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.live.console_client import Terminal

pytestmark = pytest.mark.integration


def ws(stack, path: str, token: str | None = None):
    url = f"{stack.ws_url}{path}" + (f"?token={token}" if token else "")
    return connect(url, origin=stack.base_url, max_size=None, open_timeout=10)


async def close_code(stack, path: str, token: str | None = None) -> int:
    async with ws(stack, path, token) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    return closed.value.rcvd.code


def make_lab(stack, name: str = "pc1") -> tuple[dict, dict]:
    api, base = stack.api, stack.base_url
    project = api.post(f"{base}/api/projects/", json={"name": f"e2e-{uuid.uuid4().hex[:6]}"}).json()
    busybox = next(t for t in api.get(f"{base}/api/templates/").json() if t["name"] == "busybox")
    node = api.post(f"{base}/api/projects/{project['id']}/nodes/", json={"name": name, "template": busybox["id"]})
    assert node.status_code == 201, node.text
    return project, node.json()


async def events_until_done(socket, timeout: float = 60) -> list[dict]:
    received = []
    deadline = time.monotonic() + timeout
    while not received or received[-1]["type"] != "operation.done":
        received.append(json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic())))
    return received


async def test_events_across_start_stop_reach_two_subscribers(live_stack):
    project, node = await asyncio.to_thread(make_lab, live_stack)
    path = f"/ws/projects/{project['id']}/events/"
    async with ws(live_stack, path, live_stack.token) as first, ws(live_stack, path, live_stack.token) as second:
        snapshots = [json.loads(await asyncio.wait_for(s.recv(), 10)) for s in (first, second)]
        assert snapshots[0]["type"] == snapshots[1]["type"] == "snapshot"
        assert snapshots[0]["seq"] == snapshots[1]["seq"]
        seen = [[], []]
        for action in ("start", "stop"):
            response = await asyncio.to_thread(live_stack.api.post,
                                               f"{live_stack.base_url}/api/projects/{project['id']}/{action}/")
            assert response.status_code == 202, response.text
            for i, socket in enumerate((first, second)):
                seen[i] += await events_until_done(socket)
        assert seen[0] == seen[1]
        seqs = [e["seq"] for e in seen[0]]
        assert seqs == list(range(snapshots[0]["seq"] + 1, snapshots[0]["seq"] + 1 + len(seqs)))
        statuses = [e["node"]["status"] for e in seen[0] if e["type"] == "node.updated"]
        assert statuses == ["starting", "started", "stopping", "stopped"], seen[0]


async def test_close_codes_reach_the_client(live_stack):
    project, node = await asyncio.to_thread(make_lab, live_stack)
    bob = await asyncio.to_thread(live_stack.create_user, f"bob{uuid.uuid4().hex[:6]}")
    events = f"/ws/projects/{project['id']}/events/"
    console = f"/ws/projects/{project['id']}/nodes/{node['id']}/console/"
    assert await close_code(live_stack, events) == 4401
    assert await close_code(live_stack, events, bob.token) == 4404
    assert await close_code(live_stack, console, bob.token) == 4404
    assert await close_code(live_stack, console, live_stack.token) == 4404  # the node is stopped


async def test_console_round_trip(live_stack):
    project, node = await asyncio.to_thread(make_lab, live_stack)
    base = f"{live_stack.base_url}/api/projects/{project['id']}"
    await asyncio.to_thread(live_stack.api.post, f"{base}/start/")
    deadline = time.monotonic() + 60
    while (await asyncio.to_thread(live_stack.api.get, f"{base}/nodes/{node['id']}/")).json()["status"] != "started":
        assert time.monotonic() < deadline, "the node never started"
        await asyncio.sleep(0.2)
    path = f"/ws/projects/{project['id']}/nodes/{node['id']}/console/"
    async with ws(live_stack, path, live_stack.token) as socket:
        async def receive(timeout: float) -> bytes:
            frame = await asyncio.wait_for(socket.recv(), timeout)
            assert isinstance(frame, bytes), "terminal output must come in binary frames"
            return frame

        term = Terminal(socket.send, receive)
        assert await term.run("echo hello") == "hello"
        await socket.send(json.dumps({"resize": [100, 30]}))
        assert await term.run("stty size") == "30 100"
