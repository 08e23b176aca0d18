"""Small builders for API tests: a project with nodes and links, made through the API itself."""

from rest_framework.test import APIClient


def create_project(api: APIClient, name: str = "lab") -> dict:
    response = api.post("/api/projects/", {"name": name}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def create_node(api: APIClient, project: dict, template, name: str, **extra) -> dict:
    body = {"name": name, "template": str(template.id), "x": 10, "y": 20, **extra}
    response = api.post(f"/api/projects/{project['id']}/nodes/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def create_link(api: APIClient, project: dict, a: dict, b: dict, a_port: str | None = "eth0",
                b_port: str | None = "eth0", **extra) -> dict:
    body = {"a": {"node": a["id"]}, "b": {"node": b["id"]}, **extra}
    if a_port:
        body["a"]["port"] = a_port
    if b_port:
        body["b"]["port"] = b_port
    response = api.post(f"/api/projects/{project['id']}/links/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()
