"""IPv6 in every node (issue 29, item 2): real worker, real FRR routers and hosts.

Docker turns IPv6 off in a container it starts without a network, which every node is. Here a
busybox node, a host and two FRR routers all have it on: ::1 on lo, link-local addresses on their
lab ports; routers forward IPv6 (their template says so), hosts do not. OSPFv3 between the two
routers reaches Full and installs r2's loopback in r1; a host behind r1 pings r1, and r2's loopback
across both routers.

    h1 (2001:db8:1::10) — eth1 r1 eth0 — eth0 r2 (lo 2001:db8:2::2)      bb (busybox) — eth2 r1
"""

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import needs_images, run, start_lab
from tests.labs.factories import create_link, create_node

pytestmark = pytest.mark.integration

OSPF6_LINK = """
interface eth0
 ipv6 ospf6 area 0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 4
!"""

R1 = f"""frr defaults traditional
hostname r1
service integrated-vtysh-config
!{OSPF6_LINK}
interface eth1
 ipv6 address 2001:db8:1::1/64
 ipv6 ospf6 area 0
 ipv6 ospf6 passive
!
router ospf6
 ospf6 router-id 10.0.0.1
!
"""

R2 = f"""frr defaults traditional
hostname r2
service integrated-vtysh-config
!{OSPF6_LINK}
interface lo
 ipv6 address 2001:db8:2::2/128
 ipv6 ospf6 area 0
!
router ospf6
 ospf6 router-id 10.0.0.2
!
"""


def output(api, project, node, command: str) -> str:
    result = run(api, project, node, command)
    assert result["exit_code"] == 0, result
    return result["output"]


def test_every_node_has_ipv6_and_ospfv3_routes_it(api, lab_project, templates, docker_client):
    needs_images(docker_client, "webgns/frr:latest", "webgns/host:latest", "webgns/busybox:latest")
    project = lab_project("ipv6")
    r1 = create_node(api, project, templates["frr"], "r1", files={"/etc/frr/frr.conf": R1})
    r2 = create_node(api, project, templates["frr"], "r2", files={"/etc/frr/frr.conf": R2})
    h1 = create_node(api, project, templates["host"], "h1", startup=[
        "ip -6 addr add 2001:db8:1::10/64 dev eth0", "ip -6 route add default via 2001:db8:1::1"])
    bb = create_node(api, project, templates["busybox"], "bb")
    create_link(api, project, r1, r2, "eth0", "eth0")
    create_link(api, project, h1, r1, "eth0", "eth1")
    create_link(api, project, bb, r1, "eth0", "eth2")
    start_lab(api, project, [r1, r2, h1, bb])

    for node in (r1, r2, h1, bb):
        assert output(api, project, node, "cat /proc/sys/net/ipv6/conf/all/disable_ipv6").strip() == "0", node["name"]
        assert "::1/128" in output(api, project, node, "ip -6 addr show dev lo"), node["name"]
        wait_for(lambda node=node: "fe80::" in output(api, project, node, "ip -6 addr show dev eth0"), 15,
                 what=f"a link-local address on {node['name']}'s eth0")
    assert output(api, project, r1, "cat /proc/sys/net/ipv6/conf/all/forwarding").strip() == "1"
    assert output(api, project, h1, "cat /proc/sys/net/ipv6/conf/all/forwarding").strip() == "0"

    def ospf6_full() -> bool:
        return all("Full" in output(api, project, r, "vtysh -c 'show ipv6 ospf6 neighbor'") for r in (r1, r2))

    wait_for(ospf6_full, 60, interval=0.5, what="the OSPFv3 adjacency r1–r2 to be Full")
    wait_for(lambda: "via fe80::" in output(api, project, r1, "ip -6 route show 2001:db8:2::2"), 30, interval=0.5,
             what="r1 to install r2's loopback from OSPFv3")
    wait_for(lambda: run(api, project, h1, "ping -6 -c 1 -W 1 2001:db8:1::1")["exit_code"] == 0, 20,
             what="h1 to ping r1 over IPv6")
    wait_for(lambda: run(api, project, h1, "ping -6 -c 1 -W 1 2001:db8:2::2")["exit_code"] == 0, 30,
             what="h1 to ping r2's loopback across the routers")
