"""openflow_controller: an active tcp:/ssl: connection to a lab address; never a listening form,
loopback or one of the host's own addresses (ovs-vswitchd runs on the host)."""

import pytest

from tests.labs.factories import create_node, create_project
from webgns.labs.openflow_target import host_addresses

pytestmark = pytest.mark.django_db


# Addresses the lab's controller node configures: a non-staff controller must be one of them.
LAB_ADDRESSES = ["ip addr add 10.0.0.1/24 dev eth0", "ip address add 10.1.2.3/16 dev eth1",
                 "ip -6 addr add fd12::10/64 dev eth0", "ifconfig eth2 172.16.5.4 netmask 255.255.0.0"]


@pytest.fixture
def switch(api, templates):
    project = create_project(api)
    create_node(api, project, templates["busybox"], "ctl", startup=LAB_ADDRESSES)
    return project, create_node(api, project, templates["ovs"], "sw1")


def _set(api, switch, value: str):
    project, node = switch
    return api.patch(f"/api/projects/{project['id']}/nodes/{node['id']}/", {"openflow_controller": value},
                     format="json")


@pytest.mark.parametrize("value", ["tcp:10.0.0.1:6653", "ssl:10.1.2.3:6653", "tcp:[fd12::10]:6633",
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


@pytest.mark.parametrize("value", ["tcp:10.0.0.99:6653", "tcp:8.8.8.8:6653", "tcp:[fd12::11]:6653"])
def test_an_address_no_node_of_the_lab_configures_is_refused(api, staff_api, switch, value):
    response = _set(api, switch, value)
    assert response.status_code == 400 and "no node of this lab" in response.json()["openflow_controller"][0]
    assert _set(staff_api, switch, value).status_code == 200  # staff may name any


def test_the_hosts_gateway_is_refused_even_when_a_node_claims_it(api, staff_api, templates, switch):
    from webgns.labs.openflow_target import host_routes

    gateways = [n for n in host_routes() if n.version == 4 and n.prefixlen == 32]
    if not gateways:
        pytest.skip(reason="this host has no IPv4 gateway in /proc/net/route")
    gateway = gateways[0].network_address
    project, _ = switch
    create_node(api, project, templates["busybox"], "liar", startup=[f"ip addr add {gateway}/24 dev eth0"])
    response = _set(api, switch, f"tcp:{gateway}:6653")
    assert response.status_code == 400 and "server itself reaches" in response.json()["openflow_controller"][0]


def test_import_checks_controllers_against_the_whole_document(api, switch):
    project, _ = switch
    document = api.get(f"/api/projects/{project['id']}/export/").json()
    by_name = {n["name"]: n for n in document["nodes"]}
    by_name["sw1"]["openflow_controller"] = "tcp:10.0.0.1:6653"
    # The controller node after the switch: still found.
    document["nodes"] = [by_name["sw1"], by_name["ctl"]]
    assert api.post("/api/projects/import/", document, format="json").status_code == 201
    by_name["ctl"]["startup"] = ["ip link set eth0 up"]
    response = api.post("/api/projects/import/", document, format="json")
    assert response.status_code == 400 and "no node of this lab" in response.json()["nodes[0].openflow_controller"][0]
