"""Every writable field of every lab endpoint, given hostile values of every JSON type: never a 5xx,
always a JSON answer (a small, deterministic stand-in for a schema fuzzer)."""

import json

import pytest

from tests.labs.factories import create_link, create_node, create_project

pytestmark = pytest.mark.django_db

HOSTILE = [
    None, True, -1, 0, 2**63, 10**400, 1e308, "1e400", -1e308, "", " ", "\n", "\0", "x" * 5000, "../../etc",
    [], [1, [2]], {}, {"a": {"b": None}}, {"": ""}, ["eth0"], {"node": []},
]
RAW_NUMBERS = ["1e400", "-1e400", "1" + "0" * 5000]


def _bodies(field: str):
    for value in HOSTILE:
        yield json.dumps({field: value}) if value != 10**400 else '{"%s": %s}' % (field, "1" + "0" * 400)  # noqa: UP031
    for raw in RAW_NUMBERS:
        yield '{"%s": %s}' % (field, raw)  # noqa: UP031


def _check(response) -> None:
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response.content[:200]


@pytest.fixture
def lab(api, templates):
    project = create_project(api)
    a = create_node(api, project, templates["busybox"], "pc1")
    b = create_node(api, project, templates["busybox"], "pc2")
    link = create_link(api, project, a, b)
    return project, a, b, link


ENDPOINTS = {
    "project": ("post", "/api/projects/", ["name"]),
    "node": ("post", "/api/projects/{p}/nodes/", ["name", "template", "x", "y", "adapters", "environment",
                                                    "start_command", "startup", "openflow_controller"]),
    "node-patch": ("patch", "/api/projects/{p}/nodes/{a}/", ["name", "template", "x", "adapters", "environment",
                                                               "startup", "openflow_controller"]),
    "link": ("post", "/api/projects/{p}/links/", ["a", "b", "impairment"]),
    "link-patch": ("patch", "/api/projects/{p}/links/{l}/", ["impairment", "a"]),
    "template": ("post", "/api/templates/", ["name", "kind", "image", "adapters", "environment", "cpus",
                                             "memory_mb", "scope", "start_command"]),
    "exec": ("post", "/api/projects/{p}/nodes/{a}/exec/", ["command", "timeout"]),
    "import": ("post", "/api/projects/import/", ["format", "version", "name", "nodes", "links"]),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_no_server_error_for_any_hostile_field(api, lab, endpoint):
    project, a, b, link = lab
    method, url, fields = ENDPOINTS[endpoint]
    url = url.format(p=project["id"], a=a["id"], l=link["id"])
    for field in fields:
        for body in _bodies(field):
            _check(getattr(api, method)(url, data=body, content_type="application/json"))


def test_no_server_error_for_hostile_import_documents(api, lab):
    project, *_ = lab
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    for where in ("node", "link", "end"):
        for value in HOSTILE:
            document = json.loads(json.dumps(exported))
            if where == "node":
                for key in list(document["nodes"][0]):
                    document["nodes"][0][key] = value
            elif where == "link":
                for key in list(document["links"][0]):
                    document["links"][0][key] = value
            else:
                document["links"][0]["a"] = {"node": value, "port": value}
            body = json.dumps(document) if value != 10**400 else json.dumps(document).replace("null", "1" + "0" * 400)
            _check(api.post("/api/projects/import/", data=body, content_type="application/json"))


def test_no_server_error_for_hostile_user_limits(api, staff_api):
    url = f"/api/users/{api.user.pk}/limits/"
    for field in ("running_nodes", "projects"):
        for body in _bodies(field):
            _check(staff_api.patch(url, data=body, content_type="application/json"))


def test_no_server_error_for_hostile_impairment_values(api, lab):
    project, _, _, link = lab
    url = f"/api/projects/{project['id']}/links/{link['id']}/"
    for field in ("delay_ms", "jitter_ms", "loss_pct", "corrupt_pct", "duplicate_pct", "reorder_pct", "rate_kbps"):
        for body in _bodies(field):
            for wrapped in (f'{{"impairment": {body}}}', f'{{"impairment": {{"a_to_b": {body}}}}}'):
                _check(api.patch(url, data=wrapped, content_type="application/json"))
