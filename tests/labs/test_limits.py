"""Every limit refuses with a 400 naming the field (and the setting); staff set a user's own limits."""

import pytest

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import Node, Operation, Project

pytestmark = pytest.mark.django_db


def nodes_url(project: dict) -> str:
    return f"/api/projects/{project['id']}/nodes/"


def test_environment_key_count_limit(api, templates, settings):
    settings.WEBGNS_MAX_ENV_KEYS = 3
    project = create_project(api)
    body = {"name": "pc1", "template": str(templates["busybox"].id), "environment": {f"K{i}": "v" for i in range(4)}}
    response = api.post(nodes_url(project), body, format="json")
    assert response.status_code == 400
    assert "WEBGNS_MAX_ENV_KEYS" in response.json()["environment"][0]
    body["environment"] = {f"K{i}": "v" for i in range(3)}
    assert api.post(nodes_url(project), body, format="json").status_code == 201


def test_environment_size_limit(api, templates):
    project = create_project(api)
    body = {"name": "pc1", "template": str(templates["busybox"].id), "environment": {"BIG": "x" * (2 * 1024 * 1024)}}
    response = api.post(nodes_url(project), body, format="json")
    assert response.status_code == 400
    assert "WEBGNS_MAX_ENV_BYTES" in response.json()["environment"][0]


def test_template_environment_size_limit(api):
    body = {"name": "big", "image": "webgns/busybox", "environment": {"BIG": "x" * 20000}}
    response = api.post("/api/templates/", body, format="json")
    assert response.status_code == 400 and "environment" in response.json()


def test_start_command_and_startup_limits(api, templates, settings):
    settings.WEBGNS_MAX_STARTUP_BYTES = 100
    project = create_project(api)
    base = {"name": "pc1", "template": str(templates["busybox"].id)}
    response = api.post(nodes_url(project), {**base, "start_command": "x" * 1025}, format="json")
    assert response.status_code == 400 and "start_command" in response.json()
    response = api.post(nodes_url(project), {**base, "startup": ["echo " + "x" * 100]}, format="json")
    assert response.status_code == 400 and "WEBGNS_MAX_STARTUP_BYTES" in response.json()["startup"][0]
    response = api.post(nodes_url(project), {**base, "startup": ["echo 1\0"]}, format="json")
    assert response.status_code == 400 and "startup" in response.json()


def test_nodes_per_project_limit(api, templates, settings):
    settings.WEBGNS_MAX_PROJECT_NODES = 2
    project = create_project(api)
    create_node(api, project, templates["busybox"], "pc1")
    create_node(api, project, templates["busybox"], "pc2")
    response = api.post(nodes_url(project), {"name": "pc3", "template": str(templates["busybox"].id)}, format="json")
    assert response.status_code == 400
    assert "WEBGNS_MAX_PROJECT_NODES" in response.json()["nodes"][0]


def test_links_per_project_limit(api, templates, settings):
    settings.WEBGNS_MAX_PROJECT_LINKS = 1
    project = create_project(api)
    a, b = (create_node(api, project, templates["busybox"], n) for n in ("pc1", "pc2"))
    create_link(api, project, a, b)
    response = api.post(f"/api/projects/{project['id']}/links/", {"a": {"node": a["id"]}, "b": {"node": b["id"]}},
                        format="json")
    assert response.status_code == 400
    assert "WEBGNS_MAX_PROJECT_LINKS" in response.json()["links"][0]


def _document(nodes: int, links: int) -> dict:
    return {
        "format": "webgns-topology", "version": 1, "name": "big",
        "nodes": [{"name": f"n{i}", "template": "busybox"} for i in range(nodes)],
        "links": [{"a": {"node": f"n{i}"}, "b": {"node": f"n{i + 1}"}} for i in range(links)],
    }


def test_import_over_the_node_limit(api, templates, settings):
    settings.WEBGNS_MAX_PROJECT_NODES = 10
    response = api.post("/api/projects/import/", _document(11, 0), format="json")
    assert response.status_code == 400 and "WEBGNS_MAX_PROJECT_NODES" in response.json()["nodes"][0]
    assert not Project.objects.exists()


def test_import_over_the_link_limit(api, templates, settings):
    settings.WEBGNS_MAX_PROJECT_LINKS = 5
    response = api.post("/api/projects/import/", _document(10, 6), format="json")
    assert response.status_code == 400 and "WEBGNS_MAX_PROJECT_LINKS" in response.json()["links"][0]


def test_projects_per_user_limit(api, staff_api, templates, settings):
    settings.WEBGNS_USER_PROJECTS = 2
    create_project(api, "one")
    create_project(api, "two")
    response = api.post("/api/projects/", {"name": "three"}, format="json")
    assert response.status_code == 400 and "WEBGNS_USER_PROJECTS" in response.json()["projects"][0]
    response = api.post("/api/projects/import/", _document(1, 0), format="json")
    assert response.status_code == 400 and "projects" in response.json()
    # Staff raise this user's limit; staff themselves are not limited.
    url = f"/api/users/{api.user.pk}/limits/"
    assert staff_api.patch(url, {"projects": 3}, format="json").status_code == 200
    assert api.post("/api/projects/", {"name": "three"}, format="json").status_code == 201
    for i in range(3):
        create_project(staff_api, f"staff{i}")


def _start(api, project: dict):
    return api.post(f"/api/projects/{project['id']}/start/")


def test_running_nodes_per_user_limit(api, staff_api, templates, settings):
    settings.WEBGNS_USER_RUNNING_NODES = 3
    first = create_project(api, "first")
    for i in range(2):
        create_node(api, first, templates["busybox"], f"a{i}")
    second = create_project(api, "second")
    for i in range(2):
        create_node(api, second, templates["busybox"], f"b{i}")
    assert _start(api, first).status_code == 202  # 2 of 3
    response = _start(api, second)  # would be 4
    assert response.status_code == 400, response.content
    message = response.json()["running_nodes"][0]
    assert "4 nodes" in message and "limit is 3" in message
    # A node counts from its start until it is stopped: stopping the first lab frees room.
    Operation.objects.update(finished="2026-01-01T00:00Z")
    Node.objects.filter(project_id=first["id"]).update(status="stopped")
    assert _start(api, second).status_code == 202
    # Staff lift the limit for this user.
    Node.objects.filter(project_id=second["id"]).update(status="started")
    assert _start(api, first).status_code == 400
    assert staff_api.patch(f"/api/users/{api.user.pk}/limits/", {"running_nodes": 10}, format="json").status_code == 200
    assert _start(api, first).status_code == 202


def test_user_limits_endpoint(api, staff_api, make_api, settings):
    settings.WEBGNS_USER_RUNNING_NODES = 7
    url = f"/api/users/{api.user.pk}/limits/"
    own = api.get(url)
    assert own.status_code == 200
    assert own.json()["effective"] == {"running_nodes": 7, "projects": settings.WEBGNS_USER_PROJECTS}
    assert own.json()["running_nodes"] is None and own.json()["usage"]["projects"] == 0
    assert api.patch(url, {"running_nodes": 1000}, format="json").status_code == 403  # only staff set limits
    other = make_api("bob")
    assert other.get(url).status_code == 404  # nor see another user's
    changed = staff_api.patch(url, {"running_nodes": 12}, format="json")
    assert changed.status_code == 200 and changed.json()["effective"]["running_nodes"] == 12
    assert staff_api.patch(url, {"running_nodes": -1}, format="json").status_code == 400
    reset = staff_api.patch(url, {"running_nodes": None}, format="json")
    assert reset.json()["effective"]["running_nodes"] == 7


def test_template_without_limits_gets_the_default_memory_and_cpu(api, staff_api, templates, settings):
    from webgns.tasks.specs_from_models import node_spec

    settings.WEBGNS_NODE_MEMORY_MB, settings.WEBGNS_NODE_CPUS = 128, 0.5
    bare = staff_api.post("/api/templates/", {"name": "bare", "image": "webgns/busybox"}, format="json")
    assert bare.status_code == 201, bare.content
    assert (bare.json()["memory_mb"], bare.json()["cpus"]) == (None, None)  # sets none: the defaults apply
    project = create_project(api)
    node = Node.objects.get(pk=create_node(api, project, type("T", (), {"id": bare.json()["id"]}), "pc1")["id"])
    spec = node_spec(node)
    assert (spec.memory_mb, spec.cpus) == (128, 0.5)
    # Every built-in template that runs a container has limits of its own (an OVS switch is a host bridge).
    for name, template in templates.items():
        assert template.kind == "ovs" or (template.memory_mb and template.cpus), name
    # Unlimited only when staff say so (0 on a template); others cannot.
    assert api.post("/api/templates/", {"name": "free", "image": "webgns/busybox", "memory_mb": 0},
                    format="json").status_code == 400
    response = staff_api.post("/api/templates/", {"name": "free", "image": "webgns/busybox", "memory_mb": 0,
                                                  "cpus": 0}, format="json")
    assert response.status_code == 201, response.content
    free = create_node(staff_api, create_project(staff_api), type("T", (), {"id": response.json()["id"]}), "pc1")
    spec = node_spec(Node.objects.get(pk=free["id"]))
    assert (spec.memory_mb, spec.cpus) == (None, None)


NODE_MAXIMA = [("memory_mb", 16000, "WEBGNS_NODE_MEMORY_MB_MAX"), ("cpus", 4, "WEBGNS_NODE_CPUS_MAX"),
               ("memory_mb", 1024 * 1024, "WEBGNS_NODE_MEMORY_MB_MAX"), ("cpus", 64, "WEBGNS_NODE_CPUS_MAX")]


@pytest.mark.parametrize(("field", "value", "setting"), NODE_MAXIMA)
def test_node_maxima_on_templates_nodes_and_patch(api, staff_api, templates, settings, field, value, setting):
    settings.WEBGNS_NODE_MEMORY_MB_MAX, settings.WEBGNS_NODE_CPUS_MAX = 2048, 2.0
    response = api.post("/api/templates/", {"name": "big", "image": "webgns/busybox", field: value}, format="json")
    assert response.status_code == 400 and setting in response.json()[field][0], response.content
    project = create_project(api)
    body = {"name": "pc1", "template": str(templates["busybox"].id), field: value}
    response = api.post(nodes_url(project), body, format="json")
    assert response.status_code == 400 and setting in response.json()[field][0], response.content
    node = create_node(api, project, templates["busybox"], "pc2")
    response = api.patch(f"{nodes_url(project)}{node['id']}/", {field: value}, format="json")
    assert response.status_code == 400 and setting in response.json()[field][0], response.content
    # At the maximum is fine; staff may go past it.
    at_most = {"memory_mb": 2048, "cpus": 2.0}[field]
    assert api.patch(f"{nodes_url(project)}{node['id']}/", {field: at_most}, format="json").status_code == 200
    assert staff_api.patch(f"{nodes_url(project)}{node['id']}/", {field: value}, format="json").status_code == 200
    assert staff_api.post("/api/templates/", {"name": "big", "image": "webgns/busybox", field: value},
                          format="json").status_code == 201


@pytest.mark.parametrize(("field", "value", "setting"), NODE_MAXIMA[:2])
def test_node_maxima_on_import_and_duplicate(api, staff_api, templates, settings, field, value, setting):
    settings.WEBGNS_NODE_MEMORY_MB_MAX, settings.WEBGNS_NODE_CPUS_MAX = 2048, 2.0
    project = create_project(api)
    node = create_node(api, project, templates["busybox"], "pc1")
    document = api.get(f"/api/projects/{project['id']}/export/").json()
    document["nodes"][0][field] = value
    response = api.post("/api/projects/import/", document, format="json")
    assert response.status_code == 400 and setting in str(response.json()["nodes[0]"][field]), response.content
    assert staff_api.post("/api/projects/import/", document, format="json").status_code == 201
    # A value staff set on the user's node does not carry into the user's own duplicate.
    assert staff_api.patch(f"{nodes_url(project)}{node['id']}/", {field: value}, format="json").status_code == 200
    response = api.post(f"/api/projects/{project['id']}/duplicate/", {}, format="json")
    assert response.status_code == 400 and setting in str(response.json()["nodes[0]"][field]), response.content
    assert staff_api.post(f"/api/projects/{project['id']}/duplicate/", {}, format="json").status_code == 201
