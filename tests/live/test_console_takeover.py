"""Watching has history, taking over is shared: the real console consumers on the real ASGI app,
on a student's copy that the real engine started (busybox, real PTYs).

A watcher that joins late first gets the last 64 KiB of the student's session; a teacher who
takes over types into the student's own shell (the same `$$`), both see every keystroke, the
student is told who joined and when they gave it back — whether the teacher's socket is served by
the student's web process or by another (joined through the session's console relay).
"""

import json

import pytest
from asgiref.sync import sync_to_async

from tests.classrooms.conftest import classroom, fast_password_hashing  # noqa: F401 - fixtures, used by name
from tests.live.conftest import token_of
from tests.live.console_client import Terminal
from tests.live.test_console_consumer import console_path
from tests.live.test_console_watch import open_watcher, started_copies  # noqa: F401 - a fixture, by name
from webgns.live.console_consumer import NO_ONE_TO_JOIN
from webgns.live.console_sharing import HISTORY_BYTES

pytestmark = pytest.mark.integration


class Typist:
    """A control or take-over socket: binary frames feed a Terminal one may type into; text frames are kept."""

    def __init__(self, comm) -> None:
        self.comm = comm
        self.texts: list[dict] = []
        self.term = Terminal(lambda data: comm.send_to(bytes_data=data), self._receive)

    async def _next(self, timeout: float) -> bytes:
        """One frame: output is returned, a text frame is kept (and b"" returned)."""
        message = await self.comm.receive_output(timeout=timeout)
        assert message["type"] == "websocket.send", f"the console closed: {message}"
        if message.get("bytes") is not None:
            return message["bytes"]
        self.texts.append(json.loads(message["text"]))
        return b""

    async def _receive(self, timeout: float) -> bytes:
        while not (data := await self._next(timeout)):
            pass
        return data

    async def text(self, key: str, timeout: float = 10) -> dict:
        """The next kept text frame holding `key` (reading output meanwhile)."""
        while True:
            for i, message in enumerate(self.texts):
                if key in message:
                    return self.texts.pop(i)
            self.term.output += await self._next(timeout)


async def connect(communicator, copy: dict, token: str, **query) -> Typist:
    comm = communicator(console_path(copy["project"]["id"], copy["node"]["id"]), token=token, **query)
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return Typist(comm)


async def test_a_late_watcher_first_gets_the_recent_output(started_copies, communicator):  # noqa: F811
    copy = started_copies
    args = (copy["project"]["id"], copy["node"]["id"])
    owner_token = await sync_to_async(token_of)(copy["owner"])
    teacher_token = await sync_to_async(token_of)(copy["room"].teacher)
    student = await connect(communicator, copy, owner_token)
    first = second = None
    try:
        assert await student.term.run("echo before-$((40+2))") == "before-42"
        first = await open_watcher(communicator, *args, teacher_token)
        await first.read_until(b"before-42")  # from the history: nothing was printed since it joined

        # 30000 lines (~170 KB): a later watcher gets only the last 64 KiB, starting at a line.
        assert (await student.term.run("seq 1 30000 | tail -n 1")) == "30000"
        await student.term.run("seq 1 30000")
        second = await open_watcher(communicator, *args, teacher_token)
        await student.term.run("echo tail-$((1+1))")
        seen = await second.read_until(b"tail-2")
        history = seen[: seen.index(b"echo B")]  # everything before the next command's echo
        assert len(history) <= HISTORY_BYTES and len(history) > HISTORY_BYTES - 1024
        assert b"\r\n30000\r\n" in history and history.split(b"\r\n", 1)[0].isdigit()
        # The first watcher got everything live, once: the history it was given is not repeated.
        watched = await first.read_until(b"tail-2")
        assert watched.count(b"\r\n29999\r\n") == 1
    finally:
        for comm in (student.comm, first and first.comm, second and second.comm):
            if comm is not None:
                await comm.disconnect()


@pytest.fixture(params=["same process", "another process"])
def where(request, monkeypatch) -> str:
    """The teacher's take-over served by the student's web process, or by another one: then this
    process's registry has nothing to join and the student's session is joined through its relay."""
    if request.param == "another process":
        from webgns.live import console_consumer

        monkeypatch.setattr(console_consumer, "consoles_on", lambda node_id: [])
    return request.param


async def test_take_over_joins_the_students_own_shell(started_copies, communicator, where):  # noqa: F811
    copy = started_copies
    room = copy["room"]
    owner_token = await sync_to_async(token_of)(copy["owner"])
    teacher_token = await sync_to_async(token_of)(room.teacher)
    student = await connect(communicator, copy, owner_token, cols=90, rows=25)
    teacher = None
    try:
        student_shell = await student.term.run("echo mine-$((1+1)); echo $$")
        assert student_shell.startswith("mine-2")
        teacher = await connect(communicator, copy, teacher_token, mode="takeover")
        hello = await teacher.text("mode")
        assert hello["mode"] == "takeover" and hello["owner"] == copy["owner"].user.username
        assert (await teacher.text("size"))["size"] == [90, 25]
        await teacher.term.read_until(b"mine-2")  # the session's history comes first
        joined = (await student.text("takeover"))["takeover"]
        assert joined == {"by": room.teacher.user.username, "active": True, "typists": [room.teacher.user.username]}

        # The teacher types into the student's shell: same process, and the student sees it all.
        teacher_pid = await teacher.term.run("echo $$")
        assert teacher_pid == student_shell.splitlines()[-1]
        await student.term.read_until(f"\r\n{teacher_pid}\r\n".encode())
        await teacher.comm.send_to(bytes_data=b"echo typed-by-teacher-$((3*3))\n")
        await student.term.read_until(b"echo typed-by-teacher-$((3*3))")  # the keystrokes' echo
        await student.term.read_until(b"typed-by-teacher-9")
        await teacher.term.read_until(b"typed-by-teacher-9")
        # And the student's keys reach the teacher's view.
        assert await student.term.run("echo student-$((2*2))") == "student-4"
        await teacher.term.read_until(b"student-4")
        # A teacher's resize does not resize the student's terminal.
        await teacher.comm.send_to(text_data=json.dumps({"resize": [40, 10]}))
        assert await student.term.run("stty size") == "25 90"

        await teacher.comm.disconnect()  # "give back"
        teacher = None
        left = (await student.text("takeover"))["takeover"]
        assert left == {"by": room.teacher.user.username, "active": False, "typists": []}
        assert await student.term.run("echo still-$((5+5))") == "still-10"
    finally:
        for comm in (student.comm, teacher and teacher.comm):
            if comm is not None:
                await comm.disconnect()


async def test_take_over_with_no_console_open_is_a_shell_of_ones_own(started_copies, communicator):  # noqa: F811
    copy = started_copies
    teacher_token = await sync_to_async(token_of)(copy["room"].teacher)
    teacher = await connect(communicator, copy, teacher_token, mode="takeover")
    try:
        assert (await teacher.text("notice"))["notice"] == NO_ONE_TO_JOIN
        assert await teacher.term.run("echo alone-$((1+2))") == "alone-3"
    finally:
        await teacher.comm.disconnect()


async def test_the_joiner_is_closed_when_the_student_closes(started_copies, communicator, where):  # noqa: F811
    copy = started_copies
    owner_token = await sync_to_async(token_of)(copy["owner"])
    teacher_token = await sync_to_async(token_of)(copy["room"].teacher)
    student = await connect(communicator, copy, owner_token)
    # The student's shell answers, so its console is open to join (a handshake alone is not enough).
    assert await student.term.run("echo ready-$((1+1))") == "ready-2"
    teacher = await connect(communicator, copy, teacher_token, mode="takeover")
    await teacher.text("mode")
    await student.comm.disconnect()
    notice = await teacher.text("notice")
    assert notice["notice"] == "the console you joined has closed"
    # Output the shell wrote before it went may still be queued ahead of the close; a loaded host is slow.
    message = await teacher.comm.receive_output(timeout=30)
    while message["type"] == "websocket.send":
        message = await teacher.comm.receive_output(timeout=30)
    assert message == {"type": "websocket.close", "code": 1000}
