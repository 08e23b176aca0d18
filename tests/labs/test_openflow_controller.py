"""openflow_controller: an active tcp:/ssl: connection to a lab address; never a listening form,
loopback or one of the host's own addresses (ovs-vswitchd runs on the host)."""

import pytest

from tests.labs.factories import create_node, create_project
from webgns.labs.openflow_target import host_addresses

pytestmark = pytest.mark.django_db


@pytest.fixture
def switch(api, templates):
    project = create_project(api)
    return project, create_node(api, project, templates["ovs"], "sw1")


def _set(api, switch, value: str):
    project, node = switch
    return api.patch(f"/api/projects/{project['id']}/nodes/{node['id']}/", {"openflow_controller": value},
                     format="json")


@pytest.mark.parametrize("value", ["tcp:10.0.0.1:6653", "ssl:10.1.2.3:6653", "tcp:[fd00::10]:6633",
                                   "tcp:172.16.5.4:1", "tcp:10.0.0.1:65535", ""])
def test_accepted(api, switch, value):
    response = _set(api, switch, value)
    assert response.status_code == 200, response.content
    assert response.json()["openflow_controller"] == value


@pytest.mark.parametrize(
    "value",
    [
        "ptcp:16653:127.0.0.1",
        "ptcp:6653",
        "pssl:6653",
        "punix:/var/run/x.sock",
        "unix:/var/run/openvswitch/db.sock",
        "tcp:127.0.0.1:5997",
        "tcp:127.1.2.3:6653",
        "tcp:[::1]:6653",
        "tcp:0.0.0.0:6653",
        "tcp:169.254.1.1:6653",
        "tcp:224.0.0.1:6653",
        "tcp:10.0.0.1:0",
        "tcp:10.0.0.1:65536",
        "tcp:10.0.0.1",
        "tcp:example.org:6653",
        "tcp:10.0.0.1:6653,ptcp:1",
        "tcp:10.0.0.1:6653\n",
    ],
)
def test_refused(api, switch, value):
    response = _set(api, switch, value)
    assert response.status_code == 400, (value, response.content)
    assert "openflow_controller" in response.json()


def test_the_hosts_own_addresses_are_refused(api, switch):
    own = sorted(str(a) for a in host_addresses() if a.version == 4 and not a.is_loopback)
    if not own:
        pytest.skip(reason="this host has no non-loopback IPv4 address to try (read from /proc/net/fib_trie)")
    response = _set(api, switch, f"tcp:{own[0]}:6653")
    assert response.status_code == 400
    assert "own addresses" in response.json()["openflow_controller"][0]


def test_import_refuses_a_listening_controller(api, switch):
    project, _ = switch
    document = api.get(f"/api/projects/{project['id']}/export/").json()
    document["nodes"][0]["openflow_controller"] = "ptcp:16653:127.0.0.1"
    response = api.post("/api/projects/import/", document, format="json")
    assert response.status_code == 400 and "nodes[0]" in response.json()
