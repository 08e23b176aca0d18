"""The capture socket's refusals name the field at fault: a display filter with NUL is the filter's
fault (it used to be reported as `from`, from the ValueError that NUL raised in subprocess)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async

from tests.labs.factories import create_link, create_node, create_project
from tests.live.conftest import token_of
from webgns.captures.models import Capture
from webgns.labs.models import Link
from webgns.live import close_codes


@pytest.fixture
def stopped_capture(transactional_db, api, templates):
    project = create_project(api, "capture-refusals")
    a = create_node(api, project, templates["busybox"], "pc1")
    b = create_node(api, project, templates["busybox"], "pc2")
    link = create_link(api, project, a, b)
    capture = Capture.objects.create(project_id=project["id"], link=Link.objects.get(pk=link["id"]), user=api.user,
                                     end="a", max_packets=10, max_bytes=10000, max_seconds=10, status="stopped",
                                     reason="stopped")
    return api, project, capture


@pytest.mark.parametrize(("query", "field"), [({"filter": "icmp\0"}, "filter"), ({"from": "x"}, "from")])
def test_the_refusal_names_the_field_at_fault(stopped_capture, communicator, query, field):
    api, project, capture = stopped_capture

    async def scenario():
        comm = communicator(f"/ws/projects/{project['id']}/captures/{capture.id}/",
                            token=await sync_to_async(token_of)(api), **query)
        connected, _ = await comm.connect(timeout=10)
        assert connected
        error = json.loads((await comm.receive_output(timeout=10))["text"])
        assert error["type"] == "error" and error["field"] == field, error
        assert (await comm.receive_output(timeout=10))["code"] == close_codes.BAD_REQUEST
        await comm.wait()

    asyncio.run(scenario())
