"""The events socket through Channels' WebsocketCommunicator on the real ASGI app (auth, origin
check, routing), the real Redis channel layer, and a real Celery worker driving dockerd."""

import asyncio
import time
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.test import Client

from tests.labs.factories import create_node, create_project
from tests.live.conftest import token_of
from webgns.labs import events
from webgns.live import close_codes

pytestmark = pytest.mark.integration


def events_path(project_id: str) -> str:
    return f"/ws/projects/{project_id}/events/"


async def expect_close(comm, code: int) -> None:
    connected, _ = await comm.connect(timeout=5)
    assert connected, "the handshake must be accepted so that the close code reaches the client"
    message = await comm.receive_output(timeout=5)
    assert message == {"type": "websocket.close", "code": code}
    await comm.wait()


async def collect_until(comm, last_type: str, timeout: float = 60) -> list[dict]:
    """Every event up to and including the first of type `last_type`."""
    received, deadline = [], time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {last_type} within {timeout}s; got {received}"
        try:
            event = await comm.receive_json_from(timeout=remaining)
        except TimeoutError:
            raise AssertionError(f"no {last_type} within {timeout}s; got {received}") from None
        received.append(event)
        if event["type"] == last_type:
            return received


def assert_consecutive(events_seen: list[dict], after: int) -> None:
    seqs = [e["seq"] for e in events_seen]
    assert seqs == list(range(after + 1, after + 1 + len(seqs))), f"gap or disorder in {seqs}: {events_seen}"


def node_statuses(events_seen: list[dict], node_id: str) -> list[str]:
    return [e["node"]["status"] for e in events_seen if e["type"] == "node.updated" and e["node"]["id"] == node_id]


async def test_anonymous_gets_4401(transactional_db, communicator):
    await expect_close(communicator(events_path(str(uuid.uuid4()))), close_codes.NOT_AUTHENTICATED)


async def test_unknown_token_gets_4401(transactional_db, communicator):
    await expect_close(communicator(events_path(str(uuid.uuid4())), token="0" * 40), close_codes.NOT_AUTHENTICATED)


async def test_other_users_project_is_not_found(transactional_db, make_api, communicator):
    alice, mallory = await sync_to_async(make_api)("alice"), await sync_to_async(make_api)("mallory")
    project = await sync_to_async(create_project)(alice)
    token = await sync_to_async(token_of)(mallory)
    await expect_close(communicator(events_path(project["id"]), token=token), close_codes.NOT_FOUND)
    await expect_close(communicator(events_path(str(uuid.uuid4())), token=token), close_codes.NOT_FOUND)


async def test_foreign_origin_is_refused(transactional_db, api, communicator):
    project = await sync_to_async(create_project)(api)
    token = await sync_to_async(token_of)(api)
    comm = communicator(events_path(project["id"]), token=token, headers=[(b"origin", b"http://evil.example")])
    connected, _ = await comm.connect(timeout=5)
    assert not connected


async def test_snapshot_shows_what_the_rest_api_shows(transactional_db, api, templates, communicator):
    project = await sync_to_async(create_project)(api)
    a = await sync_to_async(create_node)(api, project, templates["busybox"], "a")
    b = await sync_to_async(create_node)(api, project, templates["busybox"], "b")
    link = (await sync_to_async(api.post)(f"/api/projects/{project['id']}/links/",
                                          {"a": {"node": a["id"]}, "b": {"node": b["id"]}}, format="json")).json()
    comm = communicator(events_path(project["id"]), token=await sync_to_async(token_of)(api))
    assert (await comm.connect(timeout=5))[0]
    try:
        snapshot = await comm.receive_json_from(timeout=5)
        assert snapshot["type"] == "snapshot"
        assert snapshot["seq"] == await sync_to_async(events.current_seq)(project["id"])
        rest_project = (await sync_to_async(api.get)(f"/api/projects/{project['id']}/")).json()
        rest_nodes = (await sync_to_async(api.get)(f"/api/projects/{project['id']}/nodes/")).json()
        rest_links = (await sync_to_async(api.get)(f"/api/projects/{project['id']}/links/")).json()
        rest_annotations = (await sync_to_async(api.get)(f"/api/projects/{project['id']}/annotations/")).json()
        body = dict(snapshot["project"])
        assert body.pop("nodes") == rest_nodes
        assert body.pop("links") == rest_links
        assert body.pop("annotations") == rest_annotations
        assert body == rest_project
        assert [p["link"] for p in snapshot["project"]["nodes"][0]["ports"]][0] == link["id"]
    finally:
        await comm.disconnect()


async def test_session_cookie_authenticates(transactional_db, api, communicator):
    project = await sync_to_async(create_project)(api)

    def session_cookie() -> bytes:
        client = Client()
        client.force_login(api.user)
        return f"sessionid={client.cookies['sessionid'].value}".encode()

    cookie = await sync_to_async(session_cookie)()
    comm = communicator(events_path(project["id"]), headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)])
    assert (await comm.connect(timeout=5))[0]
    try:
        assert (await comm.receive_json_from(timeout=5))["type"] == "snapshot"
    finally:
        await comm.disconnect()


async def test_start_stop_cycle_reaches_two_subscribers_in_order(stopped_lab, communicator):
    api, project, node = stopped_lab["api"], stopped_lab["project"], stopped_lab["node"]
    subscribers = [communicator(events_path(project["id"]), token=stopped_lab["token"]) for _ in range(2)]
    for comm in subscribers:
        assert (await comm.connect(timeout=5))[0]
    try:
        snapshots = [await comm.receive_json_from(timeout=5) for comm in subscribers]
        assert snapshots[0]["seq"] == snapshots[1]["seq"]
        assert snapshots[0]["project"]["nodes"][0]["status"] == "stopped"
        seq = snapshots[0]["seq"]

        seen = [[] for _ in subscribers]
        for action, statuses in (("start", ["starting", "started"]), ("stop", ["stopping", "stopped"])):
            response = await sync_to_async(api.post)(f"/api/projects/{project['id']}/{action}/")
            assert response.status_code == 202, response.content
            for i, comm in enumerate(subscribers):
                batch = await collect_until(comm, "operation.done")
                assert batch[-1]["operation"]["status"] == "done", batch[-1]
                assert node_statuses(batch, node["id"]) == statuses, batch
                seen[i] += batch
        assert seen[0] == seen[1]
        assert_consecutive(seen[0], after=seq)
        assert seen[0][-1]["seq"] == await sync_to_async(events.current_seq)(project["id"])
    finally:
        for comm in subscribers:
            await comm.disconnect()


async def test_resync_sends_a_fresh_snapshot_with_the_current_seq(transactional_db, api, templates, communicator):
    project = await sync_to_async(create_project)(api)
    comm = communicator(events_path(project["id"]), token=await sync_to_async(token_of)(api))
    assert (await comm.connect(timeout=5))[0]
    try:
        first = await comm.receive_json_from(timeout=5)
        assert first["project"]["nodes"] == []
        # A client that lost events (here: it never read them) asks again and gets the present.
        await sync_to_async(create_node)(api, project, templates["busybox"], "late")
        await comm.send_json_to({"type": "resync"})
        received = []
        while not received or received[-1]["type"] != "snapshot":
            received.append(await comm.receive_json_from(timeout=5))
        fresh = received[-1]
        assert fresh["seq"] == await sync_to_async(events.current_seq)(project["id"]) > first["seq"]
        assert [n["name"] for n in fresh["project"]["nodes"]] == ["late"]
        # The stream goes on from the fresh snapshot's seq.
        await sync_to_async(create_node)(api, project, templates["busybox"], "later")
        after = await comm.receive_json_from(timeout=5)
        assert (after["type"], after["seq"], after["node"]["name"]) == ("node.created", fresh["seq"] + 1, "later")
    finally:
        await comm.disconnect()


async def test_events_already_in_the_snapshot_are_not_repeated(transactional_db, api, communicator):
    project = await sync_to_async(create_project)(api)
    comm = communicator(events_path(project["id"]), token=await sync_to_async(token_of)(api))
    assert (await comm.connect(timeout=5))[0]
    try:
        snapshot = await comm.receive_json_from(timeout=5)
        # A message that reaches the group late, numbered at or below the snapshot's seq.
        stale = {"type": "project.event", "event": {"type": "node.deleted", "seq": snapshot["seq"], "id": "x"}}
        await get_channel_layer().group_send(events.group_name(project["id"]), stale)
        seq = await sync_to_async(events.publish_now)(project["id"], "operation.progress", operation={"id": "y"})
        event = await comm.receive_json_from(timeout=5)
        assert (event["type"], event["seq"]) == ("operation.progress", seq)
        assert await comm.receive_nothing(timeout=0.3)
    finally:
        await comm.disconnect()


def test_publish_from_a_worker_thread_reaches_the_group(transactional_db, api):
    """The path workers use: async_to_sync(group_send) from a plain thread."""
    project = create_project(api)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.group_name(project["id"]), channel)
    try:
        seq = events.publish_now(project["id"], "operation.progress", operation={"id": "z"})
        message = async_to_sync(layer.receive)(channel)
        assert message["event"]["seq"] == seq > 0
    finally:
        async_to_sync(layer.group_discard)(events.group_name(project["id"]), channel)


async def test_an_idle_subscriber_still_gets_events(transactional_db, api, communicator):
    """A lab can sit quiet for minutes: the channel layer's blocking read must outlast Redis's socket timeout."""
    project = await sync_to_async(create_project)(api)
    comm = communicator(events_path(project["id"]), token=await sync_to_async(token_of)(api))
    assert (await comm.connect(timeout=5))[0]
    try:
        await comm.receive_json_from(timeout=5)
        await asyncio.sleep(7)  # longer than redis-py's default 5 s socket timeout
        seq = await sync_to_async(events.publish_now)(project["id"], "operation.progress", operation={"id": "w"})
        assert (await comm.receive_json_from(timeout=5))["seq"] == seq
    finally:
        await comm.disconnect()
