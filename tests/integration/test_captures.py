"""Packet captures through the REST API and a real worker: real pings across real links, decoded by tshark.

Every lab is a fresh two-node busybox project (addresses in 10.0.0.0/8), removed afterwards.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import run, start, wait_operation, wait_status
from tests.labs.factories import create_link, create_node

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (Debian package tshark)"),
]


@pytest.fixture(autouse=True)
def capture_dir(settings, tmp_path):
    """Capture files in the test's own folder (the in-process worker reads the same settings)."""
    settings.WEBGNS_CAPTURE_DIR = tmp_path / "captures"


@pytest.fixture
def pair(api, lab_project, templates):
    project = lab_project("capture")
    a = create_node(api, project, templates["busybox"], "pc1", startup=["ip addr add 10.71.0.1/24 dev eth0"])
    b = create_node(api, project, templates["busybox"], "pc2", startup=["ip addr add 10.71.0.2/24 dev eth0"])
    link = create_link(api, project, a, b)
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [a, b], "started")
    base = f"/api/projects/{project['id']}/links/{link['id']}/captures/"
    return {"project": project, "a": a, "b": b, "link": link, "base": base}


def _start_capture(api, pair, **body) -> dict:
    response = api.post(pair["base"], {"end": "a", **body}, format="json")
    assert response.status_code == 201, response.content
    capture = response.json()
    wait_for(lambda: api.get(f"{pair['base']}{capture['id']}/").json()["status"] == "running", 30,
             what="the capture to run")
    return capture


def _stop(api, pair, capture) -> dict:
    response = api.post(f"{pair['base']}{capture['id']}/stop/")
    assert response.status_code in (200, 202), response.content
    return wait_for(lambda: (c := api.get(f"{pair['base']}{capture['id']}/").json())["status"] == "stopped" and c,
                    20, what="the capture to stop")


def _download(api, url: str) -> bytes:
    response = api.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pcapng"
    return asyncio.run(_collect(response.streaming_content))


async def _collect(stream) -> bytes:
    # The view streams asynchronously (as Daphne serves it); the test client hands the iterator over.
    return b"".join([chunk async for chunk in stream])


def test_ping_across_a_captured_link(api, pair, tmp_path):
    capture = _start_capture(api, pair)
    assert run(api, pair["project"], pair["a"], "ping -c 5 -i 0.2 10.71.0.2")["exit_code"] == 0
    ended = _stop(api, pair, capture)
    assert ended["reason"] == "stopped" and ended["kernel_drops"] == 0

    packets = api.get(f"{pair['base']}{capture['id']}/packets/").json()
    assert [p["no"] for p in packets] == list(range(1, len(packets) + 1))
    assert len(packets) == ended["packets"]
    icmp = [p for p in packets if p["protocol"] == "ICMP"]
    requests = [p for p in icmp if p["info"].startswith("Echo (ping) request")]
    replies = [p for p in icmp if p["info"].startswith("Echo (ping) reply")]
    assert len(requests) == 5 and len(replies) == 5
    assert {(p["src"], p["dst"]) for p in requests} == {("10.71.0.1", "10.71.0.2")}
    assert {(p["src"], p["dst"]) for p in replies} == {("10.71.0.2", "10.71.0.1")}
    assert any(p["protocol"] == "ARP" for p in packets), "pc1 resolves pc2 first"
    assert all(p["length"] == 98 for p in icmp)

    # A display filter, and `from` for what the client already holds.
    only = api.get(f"{pair['base']}{capture['id']}/packets/", {"filter": "icmp.type == 0"}).json()
    assert [p["no"] for p in only] == [p["no"] for p in replies]
    later = api.get(f"{pair['base']}{capture['id']}/packets/", {"from": requests[2]["no"]}).json()
    assert later[0]["no"] == requests[2]["no"] + 1

    detail = api.get(f"{pair['base']}{capture['id']}/packets/{requests[0]['no']}/").json()
    assert [layer["name"] for layer in detail["layers"]] == ["frame", "eth", "ip", "icmp"]
    assert len(bytes.fromhex(detail["bytes"])) == 98
    assert detail["direction"] == "out"
    assert api.get(f"{pair['base']}{capture['id']}/packets/9999/").status_code == 404

    path = tmp_path / "ping.pcapng"
    path.write_bytes(_download(api, f"{pair['base']}{capture['id']}/pcapng"))
    counted = subprocess.run(["capinfos", "-c", "-M", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Number of packets:   {len(packets)}" in counted.replace("\t", " ")
    frames = subprocess.run(["tshark", "-r", str(path), "-Y", "icmp"], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert len(frames) == 10


def test_capture_filter_excludes_arp(api, pair):
    capture = _start_capture(api, pair, end="b", filter="icmp")
    assert run(api, pair["project"], pair["b"], "ping -c 3 -i 0.2 10.71.0.1")["exit_code"] == 0
    _stop(api, pair, capture)
    packets = api.get(f"{pair['base']}{capture['id']}/packets/").json()
    assert {p["protocol"] for p in packets} == {"ICMP"} and len(packets) == 6


def test_bad_filters_are_400_with_the_compilers_message(api, pair):
    response = api.post(pair["base"], {"end": "a", "filter": "icmp andd arp"}, format="json")
    assert response.status_code == 400
    assert "syntax error" in response.json()["filter"][0]
    assert api.post(pair["base"], {"end": "c"}, format="json").status_code == 400
    assert api.post(pair["base"], {"end": "a", "max_packets": 10**9}, format="json").status_code == 400

    capture = _start_capture(api, pair)
    response = api.get(f"{pair['base']}{capture['id']}/packets/", {"filter": "icmp.typo == 1"})
    assert response.status_code == 400
    assert "icmp.typo" in response.json()["filter"][0]
    _stop(api, pair, capture)


def test_packet_limit_stops_the_capture(api, pair):
    capture = _start_capture(api, pair, filter="icmp", max_packets=4)
    run(api, pair["project"], pair["a"], "ping -c 5 -i 0.2 10.71.0.2")
    ended = wait_for(lambda: (c := api.get(f"{pair['base']}{capture['id']}/").json())["status"] == "stopped" and c,
                     20, what="the limit to stop the capture")
    assert ended["reason"] == "packet limit" and ended["packets"] == 4
    assert len(api.get(f"{pair['base']}{capture['id']}/packets/").json()) == 4


def test_deleting_the_link_ends_the_capture_and_leaves_nothing(api, pair):
    from webgns.tasks.capture_runner import runner

    before = {t.name for t in threading.enumerate()}
    capture = _start_capture(api, pair)
    url = f"/api/projects/{pair['project']['id']}/captures/{capture['id']}/"
    assert api.delete(f"/api/projects/{pair['project']['id']}/links/{pair['link']['id']}/").status_code == 204
    ended = wait_for(lambda: (c := api.get(url).json())["status"] == "stopped" and c, 30,
                     what="the capture to end with its link")
    assert ended["reason"] == "interface gone" and ended["link"] is None
    assert capture["id"] not in runner().running()
    wait_for(lambda: not [n for n in {t.name for t in threading.enumerate()} - before
                          if n.startswith("webgns-capture-") and n != "webgns-capture-supervisor"],
             10, what="the capture thread to end")
    assert api.get(f"{url}pcapng").status_code == 200, "the file outlives the link"


def test_another_user_gets_404_and_limits_per_user(api, make_api, pair, settings):
    capture = _start_capture(api, pair)
    mallory = make_api("mallory")
    for url in ("", "packets/", "packets/1/", "pcapng"):
        assert mallory.get(f"{pair['base']}{capture['id']}/{url}").status_code == 404, url
    assert mallory.post(f"{pair['base']}{capture['id']}/stop/").status_code == 404
    assert mallory.post(pair["base"], {"end": "a"}, format="json").status_code == 404
    assert mallory.get(f"/api/projects/{pair['project']['id']}/captures/").status_code == 404

    settings.WEBGNS_CAPTURE_PER_USER = 1
    response = api.post(pair["base"], {"end": "b"}, format="json")
    assert response.status_code == 400 and "limit is 1" in response.json()["quota"][0]
    _stop(api, pair, capture)
    listed = api.get(f"/api/projects/{pair['project']['id']}/captures/").json()
    assert [c["id"] for c in listed] == [capture["id"]]


OSPF_CONF = """frr defaults traditional
hostname {name}
!
interface eth0
 ip address 10.72.0.{last}/24
 ip ospf hello-interval 1
 ip ospf dead-interval 4
!
router ospf
 network 10.72.0.0/24 area 0
!
"""


def test_ospf_hellos_between_two_routers_are_decoded(api, lab_project, templates):
    project = lab_project("capture-ospf")
    r1, r2 = (create_node(api, project, templates["frr"], name, files={"/etc/frr/frr.conf": OSPF_CONF.format(
        name=name, last=last)}) for name, last in (("r1", 1), ("r2", 2)))
    link = create_link(api, project, r1, r2)
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [r1, r2], "started")
    base = f"/api/projects/{project['id']}/links/{link['id']}/captures/"
    capture = _start_capture(api, {"base": base}, filter="ip proto 89")  # OSPF only, compiled by the kernel

    def hellos() -> list[dict]:
        packets = api.get(f"{base}{capture['id']}/packets/").json()
        return [p for p in packets if p["protocol"] == "OSPF" and "Hello" in p["info"]]

    found = wait_for(lambda: (h := hellos()) and {p["src"] for p in h} >= {"10.72.0.1", "10.72.0.2"} and h, 30,
                     what="OSPF hellos from both routers")
    assert all(p["dst"] == "224.0.0.5" for p in found)  # AllSPFRouters
    _stop(api, {"base": base}, capture)
