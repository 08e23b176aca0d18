"""containerlab topologies: kinds/defaults/groups merged, binds as files, both link forms, dry runs,
refusals per node before anything is made, names made valid, and export that reads back."""

import io
import tarfile
from urllib.parse import quote

import pytest
import yaml

from tests.topology.clab import FIXTURE, MAP, folder_tar
from webgns.labs.models import Project

pytestmark = pytest.mark.django_db


def _url(path: str = "/api/projects/import/", mapping: dict | None = MAP, **query) -> str:
    import json

    params = dict(query)
    if mapping is not None:
        params["map"] = quote(json.dumps(mapping))
    return path + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_import_the_frr_lab(api, templates):
    response = api.post(_url(), folder_tar(), content_type="application/gzip")
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["name"] == "frr-ospf"
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    nodes = {n["name"]: n for n in exported["nodes"]}
    assert [n["name"] for n in exported["nodes"]] == ["r1", "r2", "PC1", "PC2"]
    assert nodes["r1"]["template"] == "frr" and nodes["PC1"]["template"] == "host"
    assert nodes["r1"]["files"]["/etc/frr/frr.conf"] == (FIXTURE / "r1" / "frr.conf").read_text()
    assert "/etc/frr/daemons" in nodes["r2"]["files"]
    assert (nodes["r2"]["x"], nodes["r2"]["y"]) == (300, 0)
    assert nodes["PC2"]["startup"] == ["ip addr add 192.168.2.10/24 dev eth1", "ip route add default via 192.168.2.1"]
    assert nodes["PC1"]["environment"]["ROLE"] == "host"  # from its group
    assert nodes["r1"]["adapters"] >= 3
    ends = [(lk["a"]["node"], lk["a"]["port"], lk["b"]["node"], lk["b"]["port"]) for lk in exported["links"]]
    assert ends == [("r1", "eth1", "r2", "eth1"), ("PC1", "eth1", "r1", "eth2"), ("PC2", "eth1", "r2", "eth2")]


def test_dry_run_reports_and_makes_nothing(api, templates):
    before = Project.objects.count()
    response = api.post(_url(dry_run=1), folder_tar(), content_type="application/gzip")
    assert response.status_code == 200, response.content
    report = response.json()
    assert [(n["name"], n["action"]) for n in report["nodes"]] == [
        ("r1", "create"), ("r2", "create"), ("PC1", "create"), ("PC2", "create")]
    assert "mapped by 'frrouting/frr*'" in report["nodes"][0]["reason"]
    assert [row["action"] for row in report["links"]] == ["create"] * 3
    assert Project.objects.count() == before


def test_unmapped_images_are_refused_per_node_before_anything_is_made(api, templates):
    before = Project.objects.count()
    response = api.post(_url(mapping=None), folder_tar(), content_type="application/gzip")
    assert response.status_code == 400, response.content
    body = response.json()
    refused = {n["name"]: n["reason"] for n in body["nodes"] if n["action"] == "unsupported"}
    assert set(refused) == {"r1", "r2", "PC1", "PC2"}
    assert "frrouting/frr:v8.4.1" in refused["r1"] and "map" in refused["r1"]
    assert Project.objects.count() == before


SMALL = """\
name: kinds_lab
topology:
  nodes:
    srl:
      kind: nokia_srlinux
      image: ghcr.io/nokia/srlinux
    remote_busybox-1:
      kind: linux
      image: webgns/busybox
    br-1:
      kind: bridge
    ovs.1:
      kind: ovs-bridge
  links:
    - endpoints: ["srl:e1-1", "remote_busybox-1:eth1"]
    - endpoints: ["remote_busybox-1:eth2", "br-1:e1"]
    - endpoints: ["br-1:e2", "ovs.1:eth3"]
    - endpoints: ["remote_busybox-1:eth3", "host:veth-x"]
    - type: macvlan
      endpoint:
        node: br-1
        interface: eth9
      host-interface: enp0s3
"""


def test_skip_unsupported_and_names_made_valid(api, templates):
    response = api.post(_url(mapping={}, skip_unsupported="true", dry_run=1), SMALL.encode(),
                        content_type="application/yaml")
    assert response.status_code == 200, response.content
    rows = {n["name"]: n for n in response.json()["nodes"]}
    assert rows["srl"]["action"] == "skip" and "nokia_srlinux" in rows["srl"]["reason"]
    assert rows["remote-busybox-1"]["action"] == "create"
    assert "renamed from 'remote_busybox-1'" in rows["remote-busybox-1"]["reason"]
    assert rows["br-1"]["template"] == "bridge" and rows["ovs-1"]["template"] == "ovs"
    links = response.json()["links"]
    assert [row["action"] for row in links] == ["skip", "create", "create", "skip", "skip"]

    made = api.post(_url(mapping={}, skip_unsupported="1"), SMALL.encode(), content_type="application/yaml")
    assert made.status_code == 201, made.content
    exported = api.get(f"/api/projects/{made.json()['id']}/export/").json()
    assert exported["name"] == "kinds_lab"
    assert [n["name"] for n in exported["nodes"]] == ["remote-busybox-1", "br-1", "ovs-1"]
    ends = [(lk["a"]["node"], lk["a"]["port"], lk["b"]["node"], lk["b"]["port"]) for lk in exported["links"]]
    # Switch ports named otherwise take the next free ethN.
    assert ends == [("remote-busybox-1", "eth2", "br-1", "eth1"), ("br-1", "eth2", "ovs-1", "eth3")]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: webgns/busybox\n", "file"),
        ("name: x\ntopology:\n  nodes:\n    a:\n      kind: linux\n      image: webgns/busybox\n      binds: [nope]\n",
         "topology.nodes.a.binds[0]"),
        ("name: x\ntopology:\n  nodes:\n    a:\n      kind: linux\n      image: webgns/busybox\n"
         "      binds: [cfg/x.conf:/etc/x.conf]\n", "topology.nodes.a.binds[0]"),
        ("name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: webgns/busybox}\n  links:\n"
         "    - endpoints: [\"a:eth1\", \"zz:eth1\"]\n", "topology.links[0].endpoints"),
        ("name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: webgns/busybox}\n  links:\n"
         "    - endpoints: [42, \"a:eth1\"]\n", "topology.links[0].endpoints[0]"),
    ],
)
def test_bad_files_are_400_naming_line_or_field(api, templates, text, field):
    response = api.post("/api/projects/import/?format=clab", text.encode(), content_type="application/yaml")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    if field == "file":
        assert "line 5" in response.json()["file"][0]


def test_export_clab_reads_back(api, templates):
    made = api.post(_url(), folder_tar(), content_type="application/gzip").json()
    response = api.get(f"/api/projects/{made['id']}/export/?format=clab")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        names = archive.getnames()
        topology_name = next(n for n in names if n.endswith(".clab.yml"))
        document = yaml.safe_load(archive.extractfile(topology_name).read())
        r1_conf = archive.extractfile(next(n for n in names if n.endswith("r1/etc/frr/frr.conf"))).read().decode()
    r1 = document["topology"]["nodes"]["r1"]
    assert r1["kind"] == "linux" and r1["image"] == templates["frr"].image and r1["network-mode"] == "none"
    assert "r1/etc/frr/frr.conf:/etc/frr/frr.conf" in r1["binds"]
    assert r1_conf == (FIXTURE / "r1" / "frr.conf").read_text()
    assert document["topology"]["nodes"]["PC1"]["exec"][0].startswith("ip addr add 192.168.1.10")
    assert {"endpoints": ["r1:eth1", "r2:eth1"]} in document["topology"]["links"]
    # And the export imports again here, with the same nodes and links.
    again = api.post("/api/projects/import/?name=Again", response.content, content_type="application/gzip")
    assert again.status_code == 201, again.content
    first = api.get(f"/api/projects/{made['id']}/export/").json()
    second = api.get(f"/api/projects/{again.json()['id']}/export/").json()
    assert [n["name"] for n in first["nodes"]] == [n["name"] for n in second["nodes"]]
    assert first["links"] == second["links"]
    # Files come back as the node's own (containerlab has no template defaults to leave them to).
    for a, b in zip(first["nodes"], second["nodes"], strict=True):
        assert a["files"].items() <= b["files"].items()


def test_export_clab_without_files_is_one_yaml_file(api, templates):
    from tests.labs.factories import create_link, create_node, create_project

    project = create_project(api, "Plain lab")
    a = create_node(api, project, templates["busybox"], "a", startup=["ip link set eth0 up"])
    b = create_node(api, project, templates["busybox"], "b")
    sw = create_node(api, project, templates["ovs"], "sw")
    create_link(api, project, a, sw, "eth0", "eth1")
    create_link(api, project, b, sw, "eth0", "eth2")
    response = api.get(f"/api/projects/{project['id']}/export/?format=clab")
    assert response.status_code == 200 and response["Content-Type"] == "application/yaml"
    assert response["Content-Disposition"].endswith('Plain-lab.clab.yml"')
    document = yaml.safe_load(response.content)
    assert document["name"] == "Plain-lab"
    assert document["topology"]["nodes"]["sw"] == {"kind": "ovs-bridge", "labels": {"graph-posX": "10",
                                                                                   "graph-posY": "20"}}
    assert document["topology"]["links"] == [{"endpoints": ["a:eth0", "sw:eth1"]},
                                             {"endpoints": ["b:eth0", "sw:eth2"]}]
    # Images this server runs need no map on the way back.
    again = api.post("/api/projects/import/?name=Back", response.content, content_type="application/yaml")
    assert again.status_code == 201, again.content
    nodes = api.get(f"/api/projects/{again.json()['id']}/export/").json()["nodes"]
    assert [(n["name"], n["template"]) for n in nodes] == [("a", "busybox"), ("b", "busybox"), ("sw", "ovs")]
