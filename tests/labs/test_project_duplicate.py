"""Project "save as": POST /api/projects/{p}/duplicate/ copies nodes, links and annotations into a new project
of the requester's; the export's file is named after the project."""

import pytest

from tests.labs.factories import create_link, create_node, create_project
from webgns.labs.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(api, templates):
    project = create_project(api, "Branch office")
    a = create_node(api, project, templates["busybox"], "pc1", environment={"K": "v"})
    b = create_node(api, project, templates["busybox"], "pc2")
    create_link(api, project, a, b, impairment={"rate_kbps": 1000})
    api.post(f"/api/projects/{project['id']}/annotations/", {"kind": "text", "text": "WAN"}, format="json")
    return project


def test_duplicate_copies_everything_under_a_new_name(api, lab):
    response = api.post(f"/api/projects/{lab['id']}/duplicate/", {}, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["id"] != lab["id"] and copy["name"] == "Branch office (copy)"
    original = api.get(f"/api/projects/{lab['id']}/export/").json()
    copied = api.get(f"/api/projects/{copy['id']}/export/").json()
    assert copied == {**original, "name": "Branch office (copy)"}


def test_duplicate_with_a_name_and_a_bad_name(api, lab):
    response = api.post(f"/api/projects/{lab['id']}/duplicate/", {"name": "Site B"}, format="json")
    assert response.status_code == 201 and response.json()["name"] == "Site B"
    count = Project.objects.count()
    response = api.post(f"/api/projects/{lab['id']}/duplicate/", {"name": "bad/name"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    response = api.post(f"/api/projects/{lab['id']}/duplicate/", {"name": 5}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    assert Project.objects.count() == count


def test_a_stranger_cannot_duplicate(make_api, lab):
    stranger = make_api("stranger")
    assert stranger.post(f"/api/projects/{lab['id']}/duplicate/", {}, format="json").status_code == 404


def test_export_file_is_named_after_the_project(api, lab):
    response = api.get(f"/api/projects/{lab['id']}/export/")
    assert response["Content-Disposition"] == 'attachment; filename="Branch-office.webgns.json"'


def test_an_import_or_a_duplicate_never_repeats_a_name_the_owner_has(api, lab):
    """Importing an export next to its original made two rows that read the same: the import is "(copy)",
    the next "(copy 2)"; a second duplicate likewise."""
    document = api.get(f"/api/projects/{lab['id']}/export/").json()
    names = []
    for _ in range(2):
        response = api.post("/api/projects/import/", document, format="json")
        assert response.status_code == 201, response.content
        names.append(response.json()["name"])
    assert names == ["Branch office (copy)", "Branch office (copy 2)"]
    again = api.post(f"/api/projects/{lab['id']}/duplicate/", {}, format="json").json()
    assert again["name"] == "Branch office (copy 3)"
    fresh = api.post("/api/projects/import/", {**document, "name": "Elsewhere"}, format="json").json()
    assert fresh["name"] == "Elsewhere"  # a name the owner has not used is kept
