"""The NAT/firewall example through the API and a real worker: nftables masquerade and a stateful
forward policy on a webgns/host node, checked with real TCP and ICMP."""

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import (
    instantiate_example,
    needs_images,
    pings,
    run,
    start_lab,
)

pytestmark = pytest.mark.integration


def test_nat_firewall_masquerades_and_drops_unsolicited(api, lab_project, templates, docker_client):
    needs_images(docker_client, "webgns/host:latest")
    project, nodes = instantiate_example(api, lab_project, "nat-firewall", "nat")
    start_lab(api, project, list(nodes.values()))

    assert "masquerade" in run(api, project, nodes["firewall"], "nft list ruleset")["output"]
    wait_for(lambda: "hello from server" in run(api, project, nodes["inside"],
                                                "curl -s -m 2 http://10.20.0.10:8080/")["output"],
             30, what="inside to reach the server's web service through the firewall")
    # The server sees the firewall's outside address, not the inside host's.
    seen = run(api, project, nodes["server"],
               "(timeout 6 tcpdump -c 1 -ni eth0 icmp 2>/dev/null > /tmp/cap &) ; sleep 1; exit 0")
    assert seen["exit_code"] == 0
    assert pings(api, project, nodes["inside"], "10.20.0.10")
    wait_for(lambda: "10.20.0.1 > 10.20.0.10" in run(api, project, nodes["server"], "cat /tmp/cap")["output"],
             10, what="the server to see pings from the firewall's address")
    assert not pings(api, project, nodes["server"], "10.10.0.10"), "the outside cannot reach in"
