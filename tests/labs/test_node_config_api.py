"""Node configuration through the API: files, sysctls, limits, roles, built-in templates, examples.

Bad input is a 400 that names the field; nothing is stored. What runs on a host is tested in
tests/integration/test_node_files.py and test_ospf_example.py.
"""

import pytest

from tests.labs.factories import create_node, create_project
from webgns.labs import examples
from webgns.labs.models import Node, Project
from webgns.node_rules import MAX_FILE_BYTES, MAX_TOTAL_BYTES

pytestmark = pytest.mark.django_db


def test_builtin_templates_have_roles_limits_and_defaults(api, templates):
    data = {t["name"]: t for t in api.get("/api/templates/").json()}
    assert {"busybox", "host", "frr", "bridge", "ovs"} <= set(data)
    assert data["frr"]["role"] == "router" and data["frr"]["image"] == "webgns/frr:latest"
    assert data["host"]["role"] == "host" and data["host"]["image"] == "webgns/host:latest"
    assert data["bridge"]["role"] == data["ovs"]["role"] == "switch"
    assert data["frr"]["console_shell"] == "vtysh"
    assert set(data["frr"]["files"]) == {"/etc/frr/frr.conf", "/etc/frr/daemons", "/etc/webgns/ready"}
    assert "ospfd=yes" in data["frr"]["files"]["/etc/frr/daemons"]
    for name in ("busybox", "host", "frr", "bridge"):
        assert data[name]["cpus"] and data[name]["memory_mb"], f"{name} has limits"


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ({"etc/x": "a"}, "not absolute"),
        ({"/etc/../x": "a"}, ".."),
        ({"/etc//x": "a"}, "normal path"),
        ({"/etc/x/": "a"}, "normal path"),
        ({"/": "a"}, "normal path"),
        ({"/etc/hostname": "a"}, "managed by Docker"),
        ({"/etc/x": 3}, "must be text"),
        ({"/etc/x": "a" * (MAX_FILE_BYTES + 1)}, "KiB"),
        ({f"/etc/x{i}": "a" * (MAX_FILE_BYTES - 1) for i in range(MAX_TOTAL_BYTES // MAX_FILE_BYTES + 1)}, "total"),
        (["/etc/x"], "object"),
    ],
)
def test_bad_files_are_refused_naming_the_field(api, templates, files, says):
    project = create_project(api)
    response = api.post(f"/api/projects/{project['id']}/nodes/",
                        {"name": "pc1", "template": str(templates["busybox"].id), "files": files}, format="json")
    assert response.status_code == 400
    assert says in " ".join(response.json()["files"])
    assert not Node.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sysctls": {"kernel.panic": "1"}}, "sysctls"),
        ({"sysctls": {"net.ipv4.ip_forward": True}}, "sysctls"),
        ({"cpus": 0}, "cpus"),
        ({"memory_mb": 2}, "memory_mb"),
    ],
)
def test_bad_node_settings(api, templates, body, field):
    project = create_project(api)
    response = api.post(f"/api/projects/{project['id']}/nodes/",
                        {"name": "pc1", "template": str(templates["busybox"].id), **body}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_template_capabilities_are_an_allowlist_for_staff_only(staff_api, api):
    body = {"name": "t1", "image": "webgns/host:latest", "capabilities": ["SYS_MODULE"]}
    response = staff_api.post("/api/templates/", body, format="json")
    assert response.status_code == 400 and "capabilities" in response.json()
    body["capabilities"] = ["SYS_ADMIN"]
    response = api.post("/api/templates/", body, format="json")
    assert response.status_code == 400 and "staff" in response.json()["capabilities"][0]
    assert staff_api.post("/api/templates/", body, format="json").status_code == 201


def test_node_files_override_template_files_and_are_patched(api, templates):
    project = create_project(api)
    node = create_node(api, project, templates["frr"], "r1", files={"/etc/frr/frr.conf": "router ospf\n"})
    assert node["files"] == {"/etc/frr/frr.conf": "router ospf\n"}
    assert node["effective_files"]["/etc/frr/frr.conf"] == "router ospf\n"
    assert node["effective_files"]["/etc/frr/daemons"] == templates["frr"].files["/etc/frr/daemons"]
    url = f"/api/projects/{project['id']}/nodes/{node['id']}/"
    response = api.patch(url, {"files": {}, "cpus": 0.25, "memory_mb": 128}, format="json")
    assert response.status_code == 200
    assert response.json()["effective_files"] == templates["frr"].files
    from webgns.tasks.specs_from_models import node_spec

    spec = node_spec(Node.objects.get(pk=node["id"]))
    assert spec.cpus == 0.25 and spec.memory_mb == 128 and spec.capabilities == ("SYS_ADMIN",)
    assert spec.sysctls["net.ipv4.ip_forward"] == "1" and spec.files == templates["frr"].files


def test_save_config_validates_paths(api, templates):
    project = create_project(api)
    node = create_node(api, project, templates["busybox"], "pc1")
    url = f"/api/projects/{project['id']}/nodes/{node['id']}/save-config/"
    assert "paths" in api.post(url, {"paths": ["relative"]}, format="json").json()
    assert "paths" in api.post(url, {"paths": []}, format="json").json()
    response = api.post(url, {"paths": ["/etc/x"]}, format="json")
    assert response.status_code == 400 and "start it first" in response.json()["node"][0]


def test_examples_are_listed_and_instantiated(api, templates):
    listed = {e["name"]: e for e in api.get("/api/examples/").json()}
    assert {"ospf-triangle", "nat-firewall"} <= set(listed)
    assert listed["ospf-triangle"]["nodes"] == 5 and listed["ospf-triangle"]["description"]
    response = api.post("/api/examples/ospf-triangle/instantiate/")
    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.json()["id"])
    assert project.name == "OSPF triangle" and project.nodes.count() == 5 and project.links.count() == 5
    r1 = project.nodes.get(name="r1")
    assert "hello-interval 1" in r1.files["/etc/frr/frr.conf"]
    assert api.post("/api/examples/nope/instantiate/").status_code == 404
    assert api.post("/api/examples/..%2Fsecret/instantiate/").status_code == 404


@pytest.mark.parametrize("name", [path.stem for path in sorted(examples.EXAMPLES_DIR.glob("*.json"))])
def test_every_example_imports(api, templates, name):
    response = api.post(f"/api/examples/{name}/instantiate/?name=ex-{name}")
    assert response.status_code == 201, response.content


def test_a_students_copy_carries_files_sysctls_vlans_and_limits(api, make_api, templates):
    from webgns.classrooms import copies
    from webgns.classrooms.models import Assignment, Course

    project = create_project(api, "lab")
    create_node(api, project, templates["frr"], "r1", files={"/etc/frr/frr.conf": "router ospf\n"},
                sysctls={"net.ipv4.conf.all.rp_filter": "0"}, memory_mb=300)
    create_node(api, project, templates["ovs"], "sw", vlans={"eth0": {"access": 10}})
    course = Course.objects.create(name="Networks")
    assignment = Assignment.objects.create(course=course, source=Project.objects.get(pk=project["id"]), title="OSPF")
    student = make_api("bob").user
    copy = copies.ensure_copy(assignment, student)
    r1 = copy.project.nodes.get(name="r1")
    assert r1.files == {"/etc/frr/frr.conf": "router ospf\n"} and r1.memory_mb == 300
    assert r1.sysctls == {"net.ipv4.conf.all.rp_filter": "0"}
    assert copy.project.nodes.get(name="sw").vlans == {"eth0": {"access": 10}}
