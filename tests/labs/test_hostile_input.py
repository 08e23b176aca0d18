"""Hostile input that used to answer 500 (or HTML): each is now a 4xx with a JSON body naming the field."""

import json

import pytest

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(api, templates):
    project = create_project(api)
    a = create_node(api, project, templates["busybox"], "pc1")
    b = create_node(api, project, templates["busybox"], "pc2")
    return project, a, b


def _raw(api, method: str, url: str, body: str, content_type: str = "application/json"):
    return getattr(api, method)(url, data=body, content_type=content_type)


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1e308", "123456789012345678901234567890"])
def test_huge_rate_is_a_400_naming_the_field(api, pair, number):
    project, a, b = pair
    body = f'{{"a": {{"node": "{a["id"]}"}}, "b": {{"node": "{b["id"]}"}}, "impairment": {{"rate_kbps": {number}}}}}'
    response = _raw(api, "post", f"/api/projects/{project['id']}/links/", body)
    assert response.status_code == 400, response.content
    assert "rate_kbps" in json.dumps(response.json())


@pytest.mark.parametrize("field", ["delay_ms", "loss_pct", "jitter_ms"])
def test_non_finite_impairment_is_a_400(api, pair, field):
    project, a, b = pair
    link = create_link(api, project, a, b)
    body = f'{{"impairment": {{"delay_ms": 5, "{field}": 1e999}}}}'
    response = _raw(api, "patch", f"/api/projects/{project['id']}/links/{link['id']}/", body)
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())


@pytest.mark.parametrize(("field", "value"), [("x", "1e400"), ("y", "-1e999"), ("x", "1" + "0" * 400)])
def test_huge_coordinates_are_a_400(api, templates, field, value):
    project = create_project(api)
    body = f'{{"name": "pc1", "template": "{templates["busybox"].id}", "{field}": {value}}}'
    response = _raw(api, "post", f"/api/projects/{project['id']}/nodes/", body)
    assert response.status_code == 400, response.content
    assert field in response.json() or "detail" in response.json()


def test_huge_template_cpus_is_a_400(api):
    response = _raw(api, "post", "/api/templates/", '{"name": "big", "image": "webgns/busybox", "cpus": 1e400}')
    assert response.status_code == 400, response.content
    assert "cpus" in response.json()


def test_exec_timeout_non_finite_is_a_400(api, pair):
    project, a, _ = pair
    response = _raw(api, "post", f"/api/projects/{project['id']}/nodes/{a['id']}/exec/",
                    '{"command": "true", "timeout": 1e400}')
    assert response.status_code == 400, response.content
    assert "timeout" in response.json()


@pytest.mark.parametrize("depth", [33, 1000, 100000])
def test_deep_json_is_refused_before_parsing(api, depth):
    body = "[" * depth + "]" * depth
    response = _raw(api, "post", "/api/projects/", '{"name": "lab", "x": ' + body + "}")
    assert response.status_code == 400, response.content
    assert "depth" in response.json()["detail"]


def test_json_within_the_depth_limit_is_parsed(api):
    body = '{"name": "lab", "ignored": ' + "[" * 30 + "]" * 30 + "}"
    assert _raw(api, "post", "/api/projects/", body).status_code == 201


def test_brackets_inside_strings_do_not_count_as_depth(api):
    body = json.dumps({"name": "lab", "note": "[" * 5000})
    assert _raw(api, "post", "/api/projects/", body).status_code == 201


@pytest.mark.parametrize("name", ["lab\n", "lab\r\n", "\nlab", "la\nb"])
def test_project_name_with_newline_is_refused(api, name):
    response = api.post("/api/projects/", {"name": name}, format="json")
    assert response.status_code == 400, response.content
    assert "name" in response.json()


@pytest.mark.parametrize("name", ["pc1\n", "pc1\r"])
def test_node_name_with_newline_is_refused(api, templates, name):
    project = create_project(api)
    body = {"name": name, "template": str(templates["busybox"].id)}
    response = api.post(f"/api/projects/{project['id']}/nodes/", body, format="json")
    assert response.status_code == 400, response.content
    assert "name" in response.json()


def test_export_never_500s_on_an_odd_name(api, admin_user):
    # A row stored before names were checked (or by another path) still exports.
    project = Project.objects.create(name="lab\nX-Injected: 1", owner=api.user)
    response = api.get(f"/api/projects/{project.id}/export/")
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    assert response.json()["name"] == "lab\nX-Injected: 1"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["links"][0]["a"].update(node=["pc1"]), "links[0].a"),
        (lambda d: d["links"][0]["b"].update(node={"x": 1}), "links[0].b"),
        (lambda d: d["links"][0]["a"].update(port=["eth0"]), "links[0].a"),
        (lambda d: d["links"][0].update(a=["pc1", "eth0"]), "links[0].a"),
        (lambda d: d["nodes"][0].update(template=["busybox"]), "nodes[0].template"),
        (lambda d: d["nodes"][0].update(name={"n": 1}), "nodes[0].name"),
        (lambda d: d["nodes"][0].update(kind=["docker"]), "nodes[0].kind"),
        (lambda d: d.update(name=["x"]), "name"),
        (lambda d: d.update(nodes={"a": 1}), "nodes"),
        (lambda d: d.update(links="x"), "links"),
        (lambda d: d["links"][0].update(impairment=[1]), "links[0]"),
        (lambda d: d["links"][0].update(impairment={"rate_kbps": 1e300}), "links[0]"),
    ],
)
def test_import_with_wrong_types_is_a_400(api, pair, mutate, field):
    project, a, b = pair
    create_link(api, project, a, b)
    document = api.get(f"/api/projects/{project['id']}/export/").json()
    mutate(document)
    before = Project.objects.count()
    response = _raw(api, "post", "/api/projects/import/", json.dumps(document).replace("1e+300", "1e400"))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Project.objects.count() == before


def test_ten_megabyte_body_gets_a_json_400(api):
    body = json.dumps({"name": "lab", "pad": "x" * (10 * 1024 * 1024)})
    response = _raw(api, "post", "/api/projects/", body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "bytes" in response.json()["detail"]


def test_ten_megabyte_import_gets_a_json_400(api):
    body = json.dumps({"format": "webgns-topology", "version": 1, "name": "x", "pad": "x" * (10 * 1024 * 1024)})
    response = _raw(api, "post", "/api/projects/import/", body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_unknown_api_url_is_a_json_404(api):
    response = api.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_unknown_page_is_still_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_malformed_json_is_a_json_400(api):
    response = _raw(api, "post", "/api/projects/", '{"name": ')
    assert response.status_code == 400
    assert "detail" in response.json()


def test_exec_on_an_ovs_switch_is_a_409_naming_the_node(api, templates):
    project = create_project(api)
    switch = create_node(api, project, templates["ovs"], "sw1")
    Project.objects.get(pk=project["id"]).nodes.update(status="started")
    response = api.post(f"/api/projects/{project['id']}/nodes/{switch['id']}/exec/", {"command": "true"},
                        format="json")
    assert response.status_code == 409, response.content
    assert "node" in response.json() and "Open vSwitch" in response.json()["node"][0]


def test_exec_command_with_nul_is_a_400(api, pair):
    project, a, _ = pair
    Project.objects.get(pk=project["id"]).nodes.update(status="started")
    response = api.post(f"/api/projects/{project['id']}/nodes/{a['id']}/exec/", {"command": "echo \0"}, format="json")
    assert response.status_code == 400 and "command" in response.json()


def test_django_error_handlers_answer_json_under_api_only(rf):
    from django.core.exceptions import RequestDataTooBig

    from webgns.labs.api import errors

    response = errors.server_error(rf.get("/api/projects/"))
    assert response.status_code == 500 and json.loads(response.content)["detail"]
    response = errors.bad_request(rf.post("/api/projects/"), RequestDataTooBig("too big"))
    assert response.status_code == 400 and "WEBGNS_MAX_BODY_BYTES" in json.loads(response.content)["detail"]
    assert errors.permission_denied(rf.get("/api/x/"), None).status_code == 403
    assert not errors.server_error(rf.get("/projects/")).get("Content-Type", "").startswith("application/json")


@pytest.mark.parametrize("name", ["net./../kernel/x", "net.ipv4/../../kernel/panic", "net..ipv4.ip_forward",
                                  "net.ipv4.", "net./proc"])
def test_sysctl_names_are_dotted_names_only(api, templates, name):
    project = create_project(api)
    response = api.post(f"/api/projects/{project['id']}/nodes/",
                        {"name": "r1", "template": str(templates["busybox"].id), "sysctls": {name: "1"}},
                        format="json")
    assert response.status_code == 400 and "sysctls" in response.json(), response.content
    fine = {"net.ipv4.conf.all.rp_filter": "0", "net.ipv6.conf.eth-1.disable_ipv6": "1"}
    response = api.post(f"/api/projects/{project['id']}/nodes/",
                        {"name": "r2", "template": str(templates["busybox"].id), "sysctls": fine}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("image", ["docker.io/library/alpine", "index.docker.io/library/alpine:3",
                                   "registry-1.docker.io/library/alpine"])
def test_non_staff_may_not_name_a_registry_not_allowed(api, staff_api, settings, image):
    settings.WEBGNS_ALLOWED_REGISTRIES = []
    response = api.post("/api/templates/", {"name": "alp", "image": image}, format="json")
    assert response.status_code == 400 and "image" in response.json(), response.content
    # No registry named: an image already on the host, as before.
    assert api.post("/api/templates/", {"name": "alp2", "image": "alpine"}, format="json").status_code == 201
    settings.WEBGNS_ALLOWED_REGISTRIES = ["docker.io"]
    assert api.post("/api/templates/", {"name": "alp3", "image": "docker.io/library/alpine"},
                    format="json").status_code == 201
    assert staff_api.post("/api/templates/", {"name": "alp4", "image": image}, format="json").status_code == 201


def test_display_filter_with_nul_is_a_400_naming_the_filter(api, pair):
    from webgns.captures.models import Capture
    from webgns.labs.models import Link

    project, a, b = pair
    link = create_link(api, project, a, b)
    capture = Capture.objects.create(project_id=project["id"], link=Link.objects.get(pk=link["id"]), user=api.user,
                                     end="a", max_packets=10, max_bytes=10000, max_seconds=10, status="stopped",
                                     reason="stopped")
    url = f"/api/projects/{project['id']}/links/{link['id']}/captures/{capture.id}/packets/"
    response = api.get(url, {"filter": "icmp\0"})
    assert response.status_code == 400 and "NUL" in response.json()["filter"][0], response.content
