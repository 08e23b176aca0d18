"""Start on a lab that runs, or is starting, is a no-op that succeeds (issue 29, item 3).

Through the REST API and a real worker on real containers. Each node's startup lines append a line
to a file in the node, so the file counts how often they ran: once per container start, however
many Start requests arrive, and again after the node really restarts.
"""

import pytest

from tests.integration.conftest import run, start, wait_operation, wait_status
from tests.labs.factories import create_link, create_node

pytestmark = pytest.mark.integration


def _node(api, project, templates, name: str, address: str) -> dict:
    return create_node(api, project, templates["busybox"], name, startup=[
        "echo ran >> /root/startups",
        f"ip addr add {address} dev eth0",  # fails ("Address already assigned") when run twice
    ])


def startups(api, project: dict, node: dict) -> int:
    return int(run(api, project, node, "grep -c ran /root/startups")["output"].strip() or 0)


def test_start_on_a_running_or_starting_lab_succeeds_and_runs_startup_lines_once(api, lab_project, templates):
    project = lab_project("start twice")
    a = _node(api, project, templates, "host1", "10.0.29.1/24")
    b = _node(api, project, templates, "host2", "10.0.29.2/24")
    create_link(api, project, a, b)

    # A double click: the second Start arrives while the first is starting and gets its operation.
    first, second = start(api, project), start(api, project)
    assert second == first, "a start of what is starting is that start"
    assert wait_operation(api, first)["status"] == "done"
    wait_status(api, project, [a, b], "started")

    # "Start all" on the running lab: succeeds, and the startup lines do not run again.
    again = wait_operation(api, start(api, project))
    assert again["status"] == "done", again
    assert again["error"] == ""
    one_node = api.post(f"/api/projects/{project['id']}/nodes/{a['id']}/start/")
    assert one_node.status_code == 202
    assert wait_operation(api, one_node.json()["operation"])["status"] == "done"
    assert startups(api, project, a) == startups(api, project, b) == 1
    assert run(api, project, a, "ping -c 1 -W 2 10.0.29.2")["exit_code"] == 0

    # A real restart is a new container start: its lines run again, once.
    restart = api.post(f"/api/projects/{project['id']}/nodes/{a['id']}/restart/")
    assert wait_operation(api, restart.json()["operation"])["status"] == "done"
    wait_status(api, project, [a], "started")
    assert startups(api, project, a) == 2
    assert startups(api, project, b) == 1
