"""Nodes on two compute hosts joined by a VXLAN link: real containers on two dockerds, real packets.

Host a is this machine's dockerd and namespace; host b a namespace with its own dockerd (see
second_host.py). Each host makes its own end of the link (`ensure_vxlan_end`) inside its node's
namespace; the underlay is the veth between the two hosts.
"""

from __future__ import annotations

import uuid

import docker
import pytest

from tests.iperf import iperf3_tcp
from webgns.compute.links import LinkEnd
from webgns.compute.namespaces import NetlinkSessions, netns_path
from webgns.compute.vxlan_links import Tunnel, ensure_vxlan_end, remove_vxlan_end

from .second_host import HOST_A_UNDERLAY, HOST_B_UNDERLAY, IMAGE

pytestmark = [pytest.mark.multihost, pytest.mark.integration]


def start_node(client: docker.DockerClient, name: str):
    return client.containers.run(IMAGE, ["sleep", "3600"], name=name, detach=True, network_mode="none",
                                  cap_add=["NET_ADMIN", "NET_RAW"], labels={"webgns.test": "multihost"})  # fmt: skip




def sh(container, command: str) -> tuple[int, str]:
    code, output = container.exec_run(["sh", "-c", command])
    return code, output.decode(errors="replace")


def test_nodes_on_two_hosts_ping_and_carry_tcp_over_a_vxlan_link(host_b):
    tag = uuid.uuid4().hex[:6]
    client_a, client_b = docker.from_env(), host_b.client()
    node_a = start_node(client_a, f"wgmh-a-{tag}")
    node_b = start_node(client_b, f"wgmh-b-{tag}")
    try:
        node_a.reload()
        node_b.reload()
        end_a = LinkEnd(netns_path(node_a.attrs["State"]["Pid"]), "eth0")
        end_b = LinkEnd(netns_path(node_b.attrs["State"]["Pid"]), "eth0")
        alias, vni = f"webgns:mh-{tag}", 80000 + int(tag[:4], 16) % 1000
        with NetlinkSessions() as sessions:
            ensure_vxlan_end(sessions, alias, end_a, Tunnel(vni, HOST_A_UNDERLAY, HOST_B_UNDERLAY, host_b.underlay_a))
            ensure_vxlan_end(sessions, alias, end_b, Tunnel(vni, HOST_B_UNDERLAY, HOST_A_UNDERLAY, host_b.underlay_b),
                             host_netns=host_b.netns)  # fmt: skip
        assert sh(node_a, "ip addr add 10.71.0.1/24 dev eth0")[0] == 0
        assert sh(node_b, "ip addr add 10.71.0.2/24 dev eth0")[0] == 0
        code, output = sh(node_a, "ping -c 3 -i 0.2 -W 2 10.71.0.2")
        assert code == 0, output
        # TCP: iperf3 (the host's) in the two containers' namespaces, b sending to a.
        report = iperf3_tcp(end_a.netns, end_b.netns, "10.71.0.1")
        assert report["end"]["sum_received"]["bits_per_second"] > 50e6, report["end"]["sum_received"]
        with NetlinkSessions() as sessions:
            assert remove_vxlan_end(sessions, alias, end_a)
            assert remove_vxlan_end(sessions, alias, end_b)
        assert sh(node_a, "ip link show eth0")[0] != 0
    finally:
        node_a.remove(force=True)
        node_b.remove(force=True)
