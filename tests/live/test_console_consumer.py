"""The console socket through Channels' WebsocketCommunicator on the real ASGI app, attached to a
container the real engine started: round trips, resize, exact bytes, access codes, cleanup."""

import asyncio
import json
import uuid

import docker
import pytest
from asgiref.sync import sync_to_async

from tests.conftest import wait_for
from tests.live.conftest import token_of
from tests.live.console_client import Terminal
from webgns.live import close_codes
from webgns.live.console_consumer import parse_resize

pytestmark = pytest.mark.integration


def console_path(project_id: str, node_id: str) -> str:
    return f"/ws/projects/{project_id}/nodes/{node_id}/console/"


def terminal_over(comm) -> Terminal:
    async def receive(timeout: float) -> bytes:
        message = await comm.receive_output(timeout=timeout)
        assert message["type"] == "websocket.send", f"the console closed: {message}"
        assert message.get("bytes") is not None, f"the server sent a text frame: {message}"
        return message["bytes"]

    return Terminal(lambda data: comm.send_input({"type": "websocket.receive", "bytes": data}), receive)


async def open_console(communicator, lab, **query):
    comm = communicator(console_path(lab["project"]["id"], lab["node"]["id"]), token=lab["token"], **query)
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return comm


def container_of(lab) -> docker.models.containers.Container:
    found = docker.from_env().containers.list(filters={"label": f"webgns.node={lab['node']['id']}"})
    assert found, "the node's container is not running"
    return found[0]


def processes_in(lab) -> set[str]:
    """PIDs of the processes in the node's container, but for the `ps` that lists them."""
    out = container_of(lab).exec_run(["ps", "-o", "pid,comm"]).output.decode()
    rows = [line.split(None, 1) for line in out.splitlines()[1:] if line.strip()]
    return {pid for pid, comm in rows if comm.strip() != "ps"}


async def expect_close(comm, code: int) -> None:
    connected, _ = await comm.connect(timeout=10)
    assert connected, "the handshake must be accepted so that the close code reaches the client"
    assert await comm.receive_output(timeout=10) == {"type": "websocket.close", "code": code}
    await comm.wait()


def test_resize_message_is_recognised_only_when_exact():
    assert parse_resize('{"resize":[120,40]}') == (120, 40)
    assert parse_resize('{"resize": [80, 24]}') == (80, 24)
    assert parse_resize('{"resize":[0,40]}') is None
    assert parse_resize('{"resize":[80,24],"x":1}') is None
    assert parse_resize('{"resize":[true,24]}') is None
    assert parse_resize("ls -l\n") is None
    assert parse_resize('{"resize":[80,24]') is None


async def test_echo_resize_and_exact_bytes(started_lab, communicator):
    comm = await open_console(communicator, started_lab)
    term = terminal_over(comm)
    try:
        assert await term.run("echo hello") == "hello"
        assert await term.run("echo $TERM") == "xterm-256color"

        await comm.send_to(text_data=json.dumps({"resize": [123, 45]}))
        assert await term.run("stty size") == "45 123"

        # Output: bytes that are not UTF-8 (and a NUL) arrive exactly, in binary frames.
        tag = uuid.uuid4().hex[:6]
        # %s keeps the markers out of the echoed command line.
        await comm.send_to(bytes_data=f"printf 'S%s\\377\\000\\001\\200\\376E%s' {tag} {tag}\n".encode())
        await term.read_until(f"S{tag}".encode())
        raw = await term.read_until(f"E{tag}".encode())
        assert raw == b"\xff\x00\x01\x80\xfe" + f"E{tag}".encode()

        # Input: raw bytes from the client reach the program unchanged (no line discipline in raw mode).
        await term.run("stty raw -echo")
        await comm.send_to(bytes_data=f"head -c 5 | od -An -tx1; echo D{tag}''D\n".encode())
        await asyncio.sleep(0.3)
        await comm.send_to(bytes_data=b"\xff\xfe\x00\x80\x7f")
        dumped = (await term.read_until(f"D{tag}D".encode())).decode()
        assert "ff fe 00 80 7f" in dumped, dumped
    finally:
        await comm.disconnect()


async def test_text_frames_are_keystrokes_too(started_lab, communicator):
    comm = await open_console(communicator, started_lab)
    term = Terminal(lambda data: comm.send_to(text_data=data.decode()), terminal_over(comm)._receive)
    try:
        assert await term.run("echo text-frame") == "text-frame"
    finally:
        await comm.disconnect()


async def test_closing_the_socket_ends_the_shell_and_its_children(started_lab, communicator):
    before = await sync_to_async(processes_in)(started_lab)
    comm = await open_console(communicator, started_lab)
    term = terminal_over(comm)
    shell_pid = await term.run("echo $$")
    await term.run("sleep 600 & true")
    during = await sync_to_async(processes_in)(started_lab)
    assert shell_pid in during and len(during - before) >= 2, (before, during)
    await comm.disconnect()
    await sync_to_async(wait_for)(lambda: processes_in(started_lab) <= before, timeout=10,
                                  what="the console's shell and its sleep gone from the container")


async def test_shell_exit_closes_the_socket(started_lab, communicator):
    comm = await open_console(communicator, started_lab)
    await comm.send_to(bytes_data=b"exit\n")
    while (message := await comm.receive_output(timeout=10))["type"] != "websocket.close":
        pass
    assert message.get("code", 1000) == 1000


async def test_stopped_node_gets_4404(stopped_lab, communicator):
    comm = communicator(console_path(stopped_lab["project"]["id"], stopped_lab["node"]["id"]),
                        token=stopped_lab["token"])
    await expect_close(comm, close_codes.NOT_FOUND)


async def test_unknown_node_gets_4404(started_lab, communicator):
    comm = communicator(console_path(started_lab["project"]["id"], str(uuid.uuid4())), token=started_lab["token"])
    await expect_close(comm, close_codes.NOT_FOUND)


async def test_another_users_node_is_refused(started_lab, make_api, communicator):
    mallory = await sync_to_async(make_api)("mallory")
    path = console_path(started_lab["project"]["id"], started_lab["node"]["id"])
    await expect_close(communicator(path, token=await sync_to_async(token_of)(mallory)), close_codes.NOT_FOUND)
    await expect_close(communicator(path), close_codes.NOT_AUTHENTICATED)


async def test_a_viewer_who_may_not_change_gets_4403(started_lab, make_api, communicator):
    viewer = await sync_to_async(make_api)(f"viewer{uuid.uuid4().hex[:8]}")
    grant_view_only(viewer.user.username)
    path = console_path(started_lab["project"]["id"], started_lab["node"]["id"])
    await expect_close(communicator(path, token=await sync_to_async(token_of)(viewer)), close_codes.NOT_ALLOWED)


async def test_two_consoles_at_once_are_separate_shells(started_lab, communicator):
    first, second = await open_console(communicator, started_lab), await open_console(communicator, started_lab)
    try:
        pids = [await terminal_over(c).run("echo $$") for c in (first, second)]
        assert pids[0] != pids[1]
    finally:
        await first.disconnect()
        await second.disconnect()


_view_only_users: set[str] = set()


def grant_view_only(username: str) -> None:
    """Let `username` view every project but change none: what a teacher gets from classrooms.
    Registered once per process through the one public extension point, for these users only."""
    import rules
    from django.db.models import Q

    from webgns.labs import access

    if not _view_only_users:
        @rules.predicate
        def is_test_viewer(user, project) -> bool:
            return user.username in _view_only_users

        access.extend_access(view=is_test_viewer, change=rules.always_deny,
                             visible=lambda user: Q() if user.username in _view_only_users else Q(pk__in=[]))
    _view_only_users.add(username)


async def test_an_idle_console_stays_open(started_lab, communicator):
    comm = await open_console(communicator, started_lab)
    term = terminal_over(comm)
    try:
        await term.run("true")
        await asyncio.sleep(7)  # longer than redis-py's default socket timeout: no Redis read may time out
        assert await term.run("echo still-here") == "still-here"
    finally:
        await comm.disconnect()
