"""The per-user console limit (WEBGNS_CONSOLES_PER_USER): a console past it closes with 4429 and says
why, before any shell is asked of a host; staff are not limited; a place frees when a console closes."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from tests.labs.factories import create_node, create_project
from tests.live.conftest import token_of
from webgns.labs.models import Node
from webgns.live import close_codes, console_slots
from webgns.redis_client import redis_client


def console_path(project: dict, node: dict) -> str:
    return f"/ws/projects/{project['id']}/nodes/{node['id']}/console/"


@pytest.fixture
def running_node(transactional_db, make_api, templates):
    """A node the database says runs (no container: the refusal comes before any shell)."""
    def make(name: str, staff: bool = False):
        api = make_api(name, staff=staff)
        project = create_project(api, f"consoles-{name}")
        node = create_node(api, project, templates["busybox"], "pc1")
        Node.objects.filter(pk=node["id"]).update(status="started")
        # User ids repeat across test databases: no place left over from an earlier run.
        redis_client().delete(f"webgns:console-slots:{api.user.pk}")
        return api, project, node
    return make


def _user_id(api) -> int:
    return api.user.pk


@pytest.mark.django_db(transaction=True)
def test_a_console_past_the_limit_closes_with_4429(running_node, communicator, settings):
    settings.WEBGNS_CONSOLES_PER_USER = 3
    api, project, node = running_node("con-student")

    async def scenario():
        held = [await console_slots.take(_user_id(api), 3) for _ in range(3)]  # three consoles already open
        assert all(held)
        comm = communicator(console_path(project, node), token=await sync_to_async(token_of)(api))
        connected, _ = await comm.connect(timeout=10)
        assert connected
        closing = await comm.receive_output(timeout=10)
        assert closing["type"] == "websocket.close" and closing["code"] == close_codes.TOO_MANY
        assert "WEBGNS_CONSOLES_PER_USER" in closing.get("reason", "")
        await comm.wait()
        # One closes: the next console gets past the limit (and on to the host, which has no relay
        # here, so it is not refused with 4429).
        await console_slots.release(_user_id(api), held[0])
        assert await console_slots.take(_user_id(api), 3) is not None
        for slot in held[1:]:
            await console_slots.release(_user_id(api), slot)

    asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_forty_racing_admissions_admit_at_most_the_limit(transactional_db, settings):
    redis_client().delete("webgns:console-slots:racer")

    async def scenario():
        slots = await asyncio.gather(*(console_slots.take("racer", 8) for _ in range(40)))
        admitted = [s for s in slots if s]
        assert len(admitted) == 8
        for slot in admitted:
            await console_slots.release("racer", slot)

    asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_staff_take_no_console_place(running_node, communicator, settings):
    settings.WEBGNS_CONSOLES_PER_USER = 0
    settings.WEBGNS_CONSOLE_RELAY_OPEN_SECONDS = 1
    api, project, node = running_node("con-staff", staff=True)

    async def scenario():
        comm = communicator(console_path(project, node), token=await sync_to_async(token_of)(api))
        connected, _ = await comm.connect(timeout=10)
        assert connected
        # Past the limit check: the shell is asked of the node's host, whose relay is absent here.
        message = await comm.receive_output(timeout=60)
        assert message.get("code") != close_codes.TOO_MANY
        await comm.disconnect()

    asyncio.run(scenario())
