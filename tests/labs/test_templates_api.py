"""Templates: built-ins exist, users add their own, bad input is a 400 naming the field."""

import pytest

pytestmark = pytest.mark.django_db


def test_builtin_templates_listed(api, templates):
    data = {t["name"]: t for t in api.get("/api/templates/").json()}
    assert data["busybox"]["kind"] == "docker" and data["busybox"]["image"] == "webgns/busybox:latest"
    assert data["bridge"]["kind"] == "bridge"
    assert data["ovs"]["kind"] == "ovs"
    assert set(data["busybox"]) >= {"id", "name", "kind", "image", "adapters", "start_command", "environment",
                                    "cpus", "memory_mb"}


def test_create_template(api):
    body = {"name": "frr", "kind": "docker", "image": "webgns/frr:latest", "adapters": 6,
            "environment": {"A": "1"}, "memory_mb": 256, "cpus": 0.5}
    response = api.post("/api/templates/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["adapters"] == 6


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x y", "image": "i"}, "name"),
        ({"name": "ok", "image": "i", "adapters": 0}, "adapters"),
        ({"name": "ok", "image": "i", "adapters": 65}, "adapters"),
        ({"name": "ok", "kind": "docker"}, "image"),
        ({"name": "ok", "image": "i", "kind": "vm"}, "kind"),
        ({"name": "ok", "image": "i", "environment": ["A=1"]}, "environment"),
        ({"name": "ok", "image": "i", "memory_mb": 1}, "memory_mb"),
        ({"name": "ok", "image": "i", "cpus": 0}, "cpus"),
        ({"name": "busybox", "image": "i"}, "name"),
    ],
)
def test_bad_template_input(api, templates, body, field):
    response = api.post("/api/templates/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_only_staff_change_templates(api, staff_api, templates):
    url = f"/api/templates/{templates['busybox'].id}/"
    assert api.patch(url, {"adapters": 2}, format="json").status_code == 403
    assert staff_api.patch(url, {"adapters": 2}, format="json").status_code == 200


def test_template_in_use_cannot_be_deleted(api, staff_api, templates):
    from tests.labs.factories import create_node, create_project

    create_node(api, create_project(api), templates["busybox"], "pc1")
    response = staff_api.delete(f"/api/templates/{templates['busybox'].id}/")
    assert response.status_code == 409
    assert "pc1" in response.json()["detail"]
