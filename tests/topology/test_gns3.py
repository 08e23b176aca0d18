"""GNS3 projects: Docker nodes, switch VLANs, hubs, adapter/port → ethN, filters → impairments,
drawings → annotations; QEMU/VPCS refused with a reason, skipped, or mapped."""

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from webgns.labs.models import Project

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "vlans.gns3"


def _post(api, query: str = "", body: bytes | None = None, name: str = "vlans.gns3"):
    upload = io.BytesIO(body if body is not None else FIXTURE.read_bytes())
    upload.name = name
    return api.post(f"/api/projects/import/{query}", {"file": upload}, format="multipart")


def test_unsupported_nodes_are_listed_and_nothing_made(api, templates):
    before = Project.objects.count()
    response = _post(api)
    assert response.status_code == 400, response.content
    rows = {n["name"]: n for n in response.json()["nodes"]}
    assert rows["VPCS1"]["action"] == "unsupported" and "vpcs" in rows["VPCS1"]["reason"]
    assert rows["R1"]["action"] == "unsupported" and "qemu" in rows["R1"]["reason"]
    assert rows["PC-1"]["action"] == "create" and "renamed from 'PC_1'" in rows["PC-1"]["reason"]
    assert Project.objects.count() == before


def test_skip_and_map(api, templates):
    mapping = quote(json.dumps({"vpcs": "busybox"}))
    response = _post(api, f"?skip_unsupported=1&map={mapping}")
    assert response.status_code == 201, response.content
    exported = api.get(f"/api/projects/{response.json()['id']}/export/").json()
    nodes = {n["name"]: n for n in exported["nodes"]}
    assert set(nodes) == {"PC-1", "PC-2", "Switch1", "Hub1", "VPCS1"}
    assert nodes["PC-1"]["environment"] == {"ROLE": "pc", "SITE": "a"}
    assert nodes["Switch1"]["template"] == "bridge" and nodes["Hub1"]["template"] == "bridge"
    assert nodes["Switch1"]["vlans"] == {"eth1": {"access": 10}, "eth2": {"access": 20}, "eth7": {"trunk": [1, 10, 20]}}
    assert nodes["VPCS1"]["template"] == "busybox"
    ends = [(lk["a"]["node"], lk["a"]["port"], lk["b"]["node"], lk["b"]["port"]) for lk in exported["links"]]
    assert ends == [("PC-1", "eth0", "Switch1", "eth1"), ("PC-2", "eth0", "Switch1", "eth2"),
                    ("Switch1", "eth7", "Hub1", "eth0"), ("VPCS1", "eth0", "Hub1", "eth1")]
    impairment = exported["links"][0]["impairment"]
    assert impairment["a_to_b"] == impairment["b_to_a"] == {"delay_ms": 40, "jitter_ms": 5, "loss_pct": 2}
    kinds = sorted((a["kind"], a["text"]) for a in exported["annotations"])
    assert kinds == [("rect", ""), ("text", "VLAN 10 and 20")]


def test_gns3project_zip(api, templates):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("vlans.gns3", FIXTURE.read_text())
        archive.writestr("project-files/docker/x/etc/hosts", "127.0.0.1 localhost\n")
    response = _post(api, "?skip_unsupported=1&dry_run=1", buffer.getvalue(), name="vlans.gns3project")
    assert response.status_code == 200, response.content
    assert [row["action"] for row in response.json()["nodes"]] == ["create"] * 4 + ["skip"] * 2


def test_bad_link_names_the_field(api, templates):
    document = json.loads(FIXTURE.read_text())
    document["topology"]["links"][0]["nodes"][0]["node_id"] = "ghost"
    response = _post(api, "?skip_unsupported=1", json.dumps(document).encode())
    assert response.status_code == 400
    assert "topology.links[0].nodes[0].node_id" in response.json()
