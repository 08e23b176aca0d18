"""Console watch mode with the real consumers on the real ASGI app, attached to containers the real
engine started: a watcher sees what a control session's shell prints, byte for byte, and nothing it
sends reaches the node; who may watch follows the course roles; every console is audited."""

import json
import uuid

import docker
import pytest
from asgiref.sync import sync_to_async

from tests.classrooms.conftest import classroom, fast_password_hashing  # noqa: F401 - fixtures, used by name
from tests.conftest import wait_for
from tests.live.conftest import token_of, wait_node_status, wait_operation
from tests.live.console_client import Terminal
from tests.live.test_console_consumer import console_path, container_of, expect_close, open_console, terminal_over
from webgns.classrooms.models import AuditEvent
from webgns.live import close_codes
from webgns.live.console_watch import WATCH_NOTICE

pytestmark = pytest.mark.integration


class Watcher:
    """A watch socket: binary frames feed a Terminal (read-only), text frames are kept as JSON."""

    def __init__(self, comm) -> None:
        self.comm = comm
        self.texts: list[dict] = []
        self.term = Terminal(self._refuse_to_type, self._receive)

    async def _refuse_to_type(self, data: bytes) -> None:
        raise AssertionError("a watcher's terminal is read through, never typed into by the tests' Terminal")

    async def _receive(self, timeout: float) -> bytes:
        while True:
            message = await self.comm.receive_output(timeout=timeout)
            assert message["type"] == "websocket.send", f"the watch socket closed: {message}"
            if message.get("bytes") is not None:
                return message["bytes"]
            self.texts.append(json.loads(message["text"]))

    async def read_until(self, marker: bytes, timeout: float = 10) -> bytes:
        return await self.term.read_until(marker, timeout)


async def open_watcher(communicator, project_id: str, node_id: str, token: str) -> Watcher:
    comm = communicator(console_path(project_id, node_id), token=token, mode="watch")
    connected, _ = await comm.connect(timeout=10)
    assert connected
    first = await comm.receive_output(timeout=10)
    assert first["type"] == "websocket.send" and first.get("text"), f"no watch notice, got {first}"
    assert json.loads(first["text"]) == {"mode": "watch", "notice": WATCH_NOTICE}
    return Watcher(comm)


def file_exists_in(lab, path: str) -> bool:
    return container_of(lab).exec_run(["test", "-e", path]).exit_code == 0


async def test_a_watcher_sees_the_control_output_and_cannot_type(started_lab, communicator):
    lab = started_lab
    control = await open_console(communicator, lab, cols=100, rows=30)
    term = terminal_over(control)
    watcher = await open_watcher(communicator, lab["project"]["id"], lab["node"]["id"], lab["token"])
    try:
        # Built by the shell, so only the command's output (not its echoed line) holds the marker.
        assert await term.run("echo marker-$((100+23))") == "marker-123"
        seen = await watcher.read_until(b"marker-123")
        assert b"echo marker-$((100+23))" in seen  # the controller's typing shows too, as its echo
        assert {"size": [100, 30]} in watcher.texts

        # Keystrokes and a resize from the watcher go nowhere, and it is not told again.
        tag = uuid.uuid4().hex[:8]
        await watcher.comm.send_to(bytes_data=f"touch /tmp/watched-{tag}\n".encode())
        await watcher.comm.send_to(text_data=f"touch /tmp/watched-text-{tag}\n")
        await watcher.comm.send_to(text_data=json.dumps({"resize": [50, 10]}))
        assert await term.run("sleep 0.5; stty size") == "30 100"
        assert not await sync_to_async(file_exists_in)(lab, f"/tmp/watched-{tag}")
        assert not await sync_to_async(file_exists_in)(lab, f"/tmp/watched-text-{tag}")
        await term.run(f"touch /tmp/control-{tag}")
        assert await sync_to_async(file_exists_in)(lab, f"/tmp/control-{tag}")  # the check itself works
        await watcher.read_until(b"30 100")
        assert all(set(message) == {"size"} for message in watcher.texts), watcher.texts

        # A resize by the controller reaches the watcher before the output it shapes.
        await control.send_to(text_data=json.dumps({"resize": [120, 40]}))
        assert await term.run("stty size") == "40 120"
        await watcher.read_until(b"40 120")
        assert watcher.texts[-1] == {"size": [120, 40]}
    finally:
        await control.disconnect()
        await watcher.comm.disconnect()


async def test_a_watcher_gets_bulk_output_whole_and_in_order(started_lab, communicator):
    lab = started_lab
    control = await open_console(communicator, lab)
    watcher = await open_watcher(communicator, lab["project"]["id"], lab["node"]["id"], lab["token"])
    try:
        # ~600 kB: several PTY reads and several published batches, which must arrive in order.
        await control.send_to(bytes_data=b"seq 1 100000; echo END''SEQ\n")
        controlled = await terminal_over(control).read_until(b"ENDSEQ", timeout=30)
        watched = await watcher.read_until(b"ENDSEQ", timeout=30)
        assert watched == controlled
        assert b"\r\n99999\r\n100000\r\n" in watched
    finally:
        await control.disconnect()
        await watcher.comm.disconnect()


async def test_a_watcher_is_closed_when_the_node_stops(started_lab, communicator):
    lab = started_lab
    watcher = await open_watcher(communicator, lab["project"]["id"], lab["node"]["id"], lab["token"])
    response = await sync_to_async(lab["api"].post)(f"/api/projects/{lab['project']['id']}/stop/")
    assert response.status_code == 202, response.content
    await sync_to_async(wait_node_status)(lab["api"], lab["project"], lab["node"], "stopped")
    message = await watcher.comm.receive_output(timeout=15)
    assert message == {"type": "websocket.close", "code": 1000}


async def test_an_unknown_mode_and_a_stopped_node_are_refused(stopped_lab, communicator):
    lab = stopped_lab
    path = console_path(lab["project"]["id"], lab["node"]["id"])
    bad = communicator(path, token=lab["token"], mode="spy")
    assert (await bad.connect(timeout=10))[0]
    assert await bad.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": close_codes.BAD_REQUEST,
        "reason": "mode must be one of: control, watch, takeover",
    }
    await expect_close(communicator(path, token=lab["token"], mode="watch"), close_codes.NOT_FOUND)
    await expect_close(communicator(path, mode="watch"), close_codes.NOT_AUTHENTICATED)


@pytest.fixture
def started_copies(worker, classroom):  # noqa: F811 - the imported fixture, by name
    """A course with two students; the first has started their copy of the two-node lab (pc1 - pc2)."""
    room = classroom(students=2)
    owner, other = room.students
    body = room.start(owner).json()
    project = {"id": body["copy"]["project"]}
    try:  # the copy leaves the host even when its start fails
        operation = wait_operation(owner, body["operation"])
        assert operation["status"] == "done", operation["error"]
        node = next(n for n in owner.get(f"/api/projects/{project['id']}/nodes/").json() if n["name"] == "pc1")
        wait_node_status(owner, project, node, "started")
        yield {"room": room, "owner": owner, "other": other, "project": project, "node": node}
    finally:
        owner.delete(f"/api/projects/{project['id']}/")
        client = docker.from_env()
        wait_for(lambda: not client.api.containers(all=True, filters={"label": f"webgns.project={project['id']}"}),
                 timeout=60, what="the copy's containers removed")


def audit_details(course_id: str, username: str) -> list[str]:
    return sorted(AuditEvent.objects.filter(course_id=course_id, username=username, action="console")
                  .values_list("detail", flat=True))


async def test_who_may_watch_and_take_over_a_students_node(started_copies, communicator):
    copy = started_copies
    room = copy["room"]
    path_args = (copy["project"]["id"], copy["node"]["id"])
    path = console_path(*path_args)
    other_token = await sync_to_async(token_of)(copy["other"])
    teacher_token = await sync_to_async(token_of)(room.teacher)
    owner_token = await sync_to_async(token_of)(copy["owner"])

    # Another student of the same course sees neither mode (as if the copy did not exist).
    await expect_close(communicator(path, token=other_token, mode="watch"), close_codes.NOT_FOUND)
    await expect_close(communicator(path, token=other_token), close_codes.NOT_FOUND)

    # The student works in their shell; the teacher watches it, then takes over with a shell of their own.
    student = await open_console(communicator, {"project": copy["project"], "node": copy["node"],
                                                "token": owner_token})
    watcher = await open_watcher(communicator, *path_args, teacher_token)
    takeover = await open_console(communicator, {"project": copy["project"], "node": copy["node"],
                                                 "token": teacher_token}, mode="control")
    try:
        assert await terminal_over(student).run("echo student-$((20+22))") == "student-42"
        await watcher.read_until(b"student-42")
        assert await terminal_over(takeover).run("echo teacher-$((6*7)) > /tmp/fixed; cat /tmp/fixed") == "teacher-42"
        await watcher.read_until(b"teacher-42")  # a watcher sees every control session on the node
        assert await terminal_over(student).run("cat /tmp/fixed") == "teacher-42"
        own = await open_watcher(communicator, *path_args, owner_token)  # a student may watch their own node
        await own.comm.disconnect()
    finally:
        for comm in (student, watcher.comm, takeover):
            await comm.disconnect()

    course_id = room.course["id"]
    teacher, owner, other = (c.user.username for c in (room.teacher, copy["owner"], copy["other"]))
    assert await sync_to_async(audit_details)(course_id, teacher) == ["node pc1 (interactive)", "node pc1 (watch)"]
    assert await sync_to_async(audit_details)(course_id, owner) == ["node pc1 (interactive)", "node pc1 (watch)"]
    assert await sync_to_async(audit_details)(course_id, other) == []
