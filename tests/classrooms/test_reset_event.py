"""Reset keeps the address, seen from an open editor: the copy's events socket (real consumer, real
Redis channel layer) gets `project.reset`, and a resync brings the rebuilt lab under the same id."""

import pytest
from asgiref.sync import sync_to_async

from tests.classrooms.conftest import classroom, fast_password_hashing  # noqa: F401 - fixtures, used by name
from tests.live.conftest import communicator, fresh_channel_layer, token_of  # noqa: F401 - fixtures
from tests.live.test_events_consumer import collect_until, events_path

pytestmark = pytest.mark.integration


def _room_with_copy(classroom):  # noqa: F811
    room = classroom(students=1)
    student = room.students[0]
    # Made without starting: the copy exists on first start, which needs no container for this test.
    from webgns.classrooms import copies
    from webgns.classrooms.models import Assignment

    copy = copies.ensure_copy(Assignment.objects.get(pk=room.assignment["id"]), student.user)
    return room, student, str(copy.id), str(copy.project_id), token_of(student)


async def test_an_open_editor_is_told_of_a_reset_and_resyncs(transactional_db, classroom, communicator):  # noqa: F811
    room, student, copy_id, project_id, token = await sync_to_async(_room_with_copy)(classroom)
    comm = communicator(events_path(project_id), token=token)
    connected, _ = await comm.connect(timeout=10)
    assert connected
    try:
        snapshot = await comm.receive_json_from(timeout=10)
        assert snapshot["type"] == "snapshot"
        old_ids = {n["id"] for n in snapshot["project"]["nodes"]}

        response = await sync_to_async(room.teacher.post)(f"{room.url}copies/{copy_id}/reset/")
        assert response.status_code == 200 and response.json()["project"] == project_id

        seen = await collect_until(comm, "project.reset", timeout=15)
        assert seen[-1]["by"] == room.teacher.user.username
        await comm.send_json_to({"type": "resync"})
        fresh = await comm.receive_json_from(timeout=10)
        while fresh["type"] != "snapshot":
            fresh = await comm.receive_json_from(timeout=10)
        assert fresh["project"]["id"] == project_id
        nodes = fresh["project"]["nodes"]
        assert sorted(n["name"] for n in nodes) == ["pc1", "pc2"] and not old_ids & {n["id"] for n in nodes}
        assert len(fresh["project"]["links"]) == 1
    finally:
        await comm.disconnect()
