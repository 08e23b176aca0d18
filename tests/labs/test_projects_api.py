"""Projects: CRUD, validation, ownership (each user sees only their own; staff see all)."""

import re

import pytest

from tests.labs.factories import create_project

pytestmark = pytest.mark.django_db


def test_create_list_rename_delete(api):
    project = create_project(api, "My lab")
    assert project["owner"] == "alice" and project["status"] == "empty"
    assert [p["name"] for p in api.get("/api/projects/").json()] == ["My lab"]
    response = api.patch(f"/api/projects/{project['id']}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert api.delete(f"/api/projects/{project['id']}/").status_code == 204
    assert api.get("/api/projects/").json() == []


@pytest.mark.parametrize("name", ["", " ", "a" * 101, "<script>", "x/y", None])
def test_bad_project_name(api, name):
    response = api.post("/api/projects/", {"name": name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_bad_json_is_400(api):
    response = api.post("/api/projects/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_users_see_only_their_projects(make_api, staff_api):
    alice, bob = make_api("alice"), make_api("bob")
    mine = create_project(alice, "alice-lab")
    url = f"/api/projects/{mine['id']}/"
    assert bob.get("/api/projects/").json() == []
    assert bob.get(url).status_code == 404
    assert bob.patch(url, {"name": "stolen"}, format="json").status_code == 404
    assert bob.delete(url).status_code == 404
    assert bob.get(f"{url}nodes/").status_code == 404
    assert bob.post(f"{url}start/").status_code == 404
    assert bob.get(f"{url}export/").status_code == 404
    assert [p["name"] for p in staff_api.get("/api/projects/").json()] == ["alice-lab"]
    assert staff_api.get(url).status_code == 200


def test_unknown_project_is_404(api):
    assert api.get("/api/projects/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api.get("/api/projects/not-a-uuid/").status_code == 404


def test_openapi_schema(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/projects/{project_pk}/links/{id}/" in paths
    assert "/api/projects/{id}/start/" in paths


def test_openapi_schema_validates(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn: an unresolvable field or path parameter fails the build, not just the docs.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/projects/{project_pk}/nodes/{id}/exec/" in (tmp_path / "schema.yml").read_text()


def test_docs_page_needs_no_cdn(api):
    page = api.get("/api/docs/")
    assert page.status_code == 200
    # Every asset comes from our own /static/ (the sidecar), none from a CDN: this machine has no
    # internet. (Searching for "cdn" in the page failed at random: the CSRF token is in it.)
    assets = re.findall(r'(?:src|href)="([^"]*)"', page.content.decode())
    # The page's own init script is /api/docs/?script= (no inline script: see the CSP).
    assert assets and all(a.startswith(("/static/", "/api/docs/?")) for a in assets), assets
    assert b"swagger-ui" in page.content
