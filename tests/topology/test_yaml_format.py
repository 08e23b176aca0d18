"""The webgns YAML format: export, import, round trip, folders as .tar.gz, the schema, dry runs."""

import io
import tarfile

import pytest
import yaml

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import Project

pytestmark = pytest.mark.django_db


# r1 configures the OVS switch's controller address: non-staff may name only a lab's own address.
STARTUP = ["ip link set eth0 up", "ip addr add 10.0.0.1/24 dev eth0"]


@pytest.fixture
def project(api, templates):
    project = create_project(api, "Campus")
    r1 = create_node(api, project, templates["frr"], "r1", startup=STARTUP,
                     environment={"ROLE": "r"}, files={"/etc/motd": "hello\nworld\n"}, memory_mb=300)
    sw = create_node(api, project, templates["bridge"], "sw1")
    ovs = create_node(api, project, templates["ovs"], "core", openflow_controller="tcp:10.0.0.1:6653",
                      vlans={"eth1": {"access": 10}})
    create_link(api, project, r1, sw, "eth0", "eth3", impairment={"rate_kbps": 2000, "b_to_a": {"delay_ms": 5}})
    create_link(api, project, sw, ovs, "eth0", "eth0")
    api.post(f"/api/projects/{project['id']}/annotations/", {"kind": "text", "text": "core", "x": 1, "y": 2},
             format="json")
    return project


def _export_yaml(api, project_id) -> str:
    response = api.get(f"/api/projects/{project_id}/export/?format=yaml")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"].endswith('.webgns.yaml"')
    return response.content.decode()


def test_json_export_stays_the_default(api, project):
    plain = api.get(f"/api/projects/{project['id']}/export/")
    assert plain.status_code == 200 and plain.json()["format"] == "webgns-topology"
    assert api.get(f"/api/projects/{project['id']}/export/?format=json").json() == plain.json()


def test_yaml_reads_like_a_lab(api, project):
    document = yaml.safe_load(_export_yaml(api, project["id"]))
    assert list(document["nodes"]) == ["r1", "sw1", "core"]
    r1 = document["nodes"]["r1"]
    assert r1["template"] == "frr" and r1["startup"] == STARTUP
    assert r1["files"] == {"/etc/motd": "hello\nworld\n"} and r1["limits"] == {"memory_mb": 300}
    assert document["links"][0] == {"endpoints": ["r1:eth0", "sw1:eth3"],
                                    "impairment": {"a_to_b": {"rate_kbps": 2000},
                                                   "b_to_a": {"rate_kbps": 2000, "delay_ms": 5}}}
    assert "|" in _export_yaml(api, project["id"])  # multi-line files as literal blocks


def test_yaml_round_trip(api, project):
    text = _export_yaml(api, project["id"])
    response = api.post("/api/projects/import/?name=Copy", text.encode(), content_type="application/yaml")
    assert response.status_code == 201, response.content
    copy = response.json()
    again = _export_yaml(api, copy["id"])
    assert again == text.replace("name: Campus", "name: Copy")
    # And the JSON exports of both agree, apart from the name.
    a = api.get(f"/api/projects/{project['id']}/export/").json()
    b = api.get(f"/api/projects/{copy['id']}/export/").json()
    assert {**a, "name": None} == {**b, "name": None}


def test_yaml_as_multipart_file(api, project):
    text = _export_yaml(api, project["id"])
    upload = io.BytesIO(text.encode())
    upload.name = "campus.yml"
    response = api.post("/api/projects/import/?name=Upload", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content


def _tar(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


LAB = """\
format: webgns-topology
version: 1
name: Folder lab
nodes:
  r1:
    template: frr
    position: [10, 20]
    files:
      /etc/frr/frr.conf: {file: configs/r1.conf}
  h1:
    image: webgns/host
    startup: |
      ip addr add 10.0.0.2/24 dev eth0
links:
  - endpoints: [r1:eth1, h1]
"""
INLINE = LAB.replace("{file: configs/r1.conf}", "hostname r1")


def test_tar_gz_folder_with_files_by_path(api, templates):
    body = _tar({"lab/lab.yml": LAB, "lab/configs/r1.conf": "hostname r1\n"})
    response = api.post("/api/projects/import/", body, content_type="application/gzip")
    assert response.status_code == 201, response.content
    exported = api.get(f"/api/projects/{response.json()['id']}/export/").json()
    r1, h1 = exported["nodes"]
    assert r1["files"] == {"/etc/frr/frr.conf": "hostname r1\n"} and (r1["x"], r1["y"]) == (10, 20)
    assert h1["template"] == "host" and h1["startup"] == ["ip addr add 10.0.0.2/24 dev eth0"]
    assert exported["links"][0]["a"] == {"node": "r1", "port": "eth1"}
    assert exported["links"][0]["b"] == {"node": "h1", "port": "eth0"}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("format: webgns-topology\nversion: 1\nnodes: [\n", "file", "line 4"),
        (LAB, "nodes.r1.files./etc/frr/frr.conf", ".tar.gz"),
        (INLINE.replace("webgns/host", "nope/nothing"), "nodes.h1.image", "no template"),
        (INLINE.replace("position", "colour"), "nodes.r1.colour", "Unknown"),
        (INLINE.replace("version: 1", "version: 7"), "version", "not supported"),
        (INLINE.replace("[r1:eth1, h1]", "[r1:eth1, ghost]"), "links[0].b", "node"),
    ],
)
def test_bad_yaml_is_a_400_naming_the_place(api, templates, body, field, words):
    before = Project.objects.count()
    response = api.post("/api/projects/import/", body.encode(), content_type="application/yaml")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert words in str(response.json()[field])
    assert Project.objects.count() == before


def test_dry_run_makes_nothing(api, templates):
    body = _tar({"lab.yml": LAB, "configs/r1.conf": "hostname r1\n"})
    before = Project.objects.count()
    response = api.post("/api/projects/import/?dry_run=1", body, content_type="application/gzip")
    assert response.status_code == 200, response.content
    assert [n["name"] for n in response.json()["nodes"]] == ["r1", "h1"]
    assert Project.objects.count() == before


def test_schema_is_served_and_matches_docs(client):
    response = client.get("/api/schema/topology.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["properties"]["format"] == {"const": "webgns-topology"}


def test_unknown_export_format_is_400(api, project):
    response = api.get(f"/api/projects/{project['id']}/export/?format=xml")
    assert response.status_code == 400 and "format" in response.json()


def test_exports_and_the_documented_example_follow_the_schema(api, project):
    import re
    from pathlib import Path

    import jsonschema

    schema = api.get("/api/schema/topology.json").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(_export_yaml(api, project["id"])), schema)
    jsonschema.validate(yaml.safe_load(LAB), schema)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "topology-format.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", docs, re.DOTALL).group(1)
    jsonschema.validate(yaml.safe_load(example), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**yaml.safe_load(LAB), "colour": "red"}, schema)


def test_numbers_in_env_and_sysctls_are_text(api, templates):
    text = INLINE.replace("    image: webgns/host\n", "    image: webgns/host\n    env: {PORT: 80, RATIO: 0.5}\n"
                          "    sysctls: {net.ipv4.ip_forward: 1}\n")
    response = api.post("/api/projects/import/", text.encode(), content_type="application/yaml")
    assert response.status_code == 201, response.content
    h1 = api.get(f"/api/projects/{response.json()['id']}/export/").json()["nodes"][1]
    assert h1["environment"] == {"PORT": "80", "RATIO": "0.5"} and h1["sysctls"] == {"net.ipv4.ip_forward": "1"}
