"""Consoles through the node's host's relay (the default, `WEBGNS_CONSOLE_RELAY=always`; the other
console tests go through it as well): the real console consumer, the real relay task on the
in-process worker's `exec.<host>` queue, the real Redis, the engine's PTY in the container the
engine started.

The two-host test (tests/multihost) opens a console on a node of another dockerd through Daphne.
"""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import wait_for
from tests.live.test_console_consumer import open_console, processes_in, terminal_over
from webgns.contract import console_relay as wire
from webgns.labs.models import Node
from webgns.live import close_codes

pytestmark = pytest.mark.integration


@pytest.fixture
def relayed(settings):
    settings.WEBGNS_CONSOLE_RELAY = "always"
    settings.WEBGNS_CONSOLE_RELAY_OPEN_SECONDS = 3


async def test_a_relayed_console_echoes_resizes_and_kills_its_shell_on_close(started_lab, communicator, relayed):
    before = await sync_to_async(processes_in)(started_lab)
    comm = await open_console(communicator, started_lab, cols=100, rows=30)
    term = terminal_over(comm)
    assert await term.run("stty size") == "30 100"
    assert await term.run("echo relayed-$((6*7))") == "relayed-42"
    await comm.send_to(text_data=json.dumps({"resize": [123, 45]}))
    assert await term.run("stty size") == "45 123"
    # Bytes are carried exactly, both ways (UTF-8 and a high byte).
    assert await term.run("printf 'h\\303\\251\\n'") == "hé"
    shell_pid = await term.run("echo $$")
    await term.run("sleep 600 & true")
    during = await sync_to_async(processes_in)(started_lab)
    assert shell_pid in during
    await comm.disconnect()
    await sync_to_async(wait_for)(lambda: processes_in(started_lab) <= before, timeout=15,
                                  what="the relayed shell and its sleep gone from the container")


async def test_the_shell_ending_closes_the_relayed_socket(started_lab, communicator, relayed):
    comm = await open_console(communicator, started_lab)
    await comm.send_to(bytes_data=b"exit\n")
    while (message := await comm.receive_output(timeout=15))["type"] != "websocket.close":
        pass
    assert message.get("code", 1000) == 1000


async def test_a_host_whose_relay_does_not_answer_closes_with_4500(started_lab, communicator, relayed):
    node_id = started_lab["node"]["id"]
    await sync_to_async(Node.objects.filter(pk=node_id).update)(compute_host="no-such-host")
    try:
        comm = await open_console(communicator, started_lab)
        message = await comm.receive_output(timeout=15)
        assert message == {"type": "websocket.close", "code": close_codes.CONSOLE_FAILED}
    finally:
        await sync_to_async(Node.objects.filter(pk=node_id).update)(compute_host=started_lab["node"]["compute_host"])


async def test_a_relay_whose_web_side_falls_silent_ends_the_shell(started_lab, relayed, monkeypatch):
    """A web process that dies sends no CLOSE: the host ends the shell once the pings stop."""
    from webgns.live.console_relay import RelayedSession

    monkeypatch.setattr(wire, "SILENT_AFTER", 3.0)
    before = await sync_to_async(processes_in)(started_lab)
    session = await RelayedSession.start(started_lab["node"]["id"], started_lab["node"]["compute_host"], 80, 24)
    await session.write(b"sleep 600\n")
    await sync_to_async(wait_for)(lambda: len(processes_in(started_lab) - before) >= 2, timeout=10,
                                  what="the relayed shell and its sleep running")
    session._ping.cancel()  # the web side vanishes: no more pings, no CLOSE
    with pytest.raises(asyncio.CancelledError):
        await session._ping
    await sync_to_async(wait_for)(lambda: processes_in(started_lab) <= before, timeout=15,
                                  what="the shell ended by its host after the web side fell silent")
    await session._pubsub.aclose()
    await session._client.aclose()
