"""The role matrix on the events websocket: the real ASGI app, real token auth, real consumer.

A student's copy streams to the student and the course's teacher; another student, another
course's teacher and (for the original) the students get close code 4404, as the REST API's 404.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from webgns.classrooms.copies import ensure_copy
from webgns.classrooms.models import Assignment

pytestmark = pytest.mark.django_db(transaction=True)


async def first_message(user, project_id: str) -> dict:
    from webgns.asgi import application

    token = await sync_to_async(lambda: Token.objects.get_or_create(user=user)[0].key)()
    socket = WebsocketCommunicator(
        application,
        f"/ws/projects/{project_id}/events/?token={token}",
        headers=[(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")],
    )
    connected, _ = await socket.connect(timeout=10)
    assert connected
    message = await socket.receive_output(timeout=10)
    await socket.disconnect()
    if message["type"] == "websocket.close":
        return {"closed": message["code"]}
    return json.loads(message["text"])


@pytest.fixture
def rooms(classroom):
    a, b = classroom(students=2), classroom(students=1)
    copies = {}
    for room in (a, b):
        assignment = Assignment.objects.get(pk=room.assignment["id"])
        for student in room.students:
            # Made without starting: no task may outlive this test's database.
            copies[student.user.username] = str(ensure_copy(assignment, student.user).project_id)
    return a, b, copies


async def test_events_socket_follows_course_roles(rooms):
    a, b, copies = rooms
    sam, sue = a.students
    sams = copies[sam.user.username]
    assert (await first_message(sam.user, sams))["type"] == "snapshot"
    assert (await first_message(a.teacher.user, sams))["type"] == "snapshot"
    assert await first_message(sue.user, sams) == {"closed": 4404}
    assert await first_message(b.teacher.user, sams) == {"closed": 4404}
    assert await first_message(b.students[0].user, sams) == {"closed": 4404}
    assert await first_message(sam.user, a.lab["id"]) == {"closed": 4404}
