"""Annotations: text notes and shapes of a project — CRUD, input rules, access, events, snapshot, export/import
and students' copies."""

import pytest

from tests.labs.factories import create_node, create_project
from webgns.labs.api.serializers import MAX_ANNOTATIONS
from webgns.labs.models import Annotation
from webgns.live.snapshot import project_snapshot

pytestmark = pytest.mark.django_db


def url(project: dict, annotation: dict | None = None) -> str:
    base = f"/api/projects/{project['id']}/annotations/"
    return f"{base}{annotation['id']}/" if annotation else base


def create(api, project, **body) -> dict:
    body = {"kind": "rect", "x": 10, "y": 20, "width": 200, "height": 100, **body}
    response = api.post(url(project), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_create_read_update_delete(api):
    project = create_project(api)
    note = create(api, project, kind="text", text="core network", style={"color": "#202124", "font_size": 14})
    assert note["kind"] == "text" and note["text"] == "core network" and note["z"] == 0
    assert note["style"] == {"color": "#202124", "font_size": 14}
    shape = create(api, project, kind="ellipse", style={"fill": "#e8f0fe", "stroke": "#1a73e8"}, z=-1)
    listed = api.get(url(project)).json()
    assert [a["id"] for a in listed] == [shape["id"], note["id"]]  # lowest z first: drawn first
    moved = api.patch(url(project, shape), {"x": 300, "width": 50.5}, format="json")
    assert moved.status_code == 200 and moved.json()["x"] == 300 and moved.json()["width"] == 50.5
    assert api.get(url(project, shape)).json()["y"] == 20
    assert api.delete(url(project, shape)).status_code == 204
    assert api.get(url(project, shape)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "circle"}, "kind"),
        ({"width": 0}, "width"),
        ({"height": -5}, "height"),
        ({"x": "left"}, "x"),
        ({"style": "red"}, "style"),
        ({"style": {"fill": "red"}}, "style"),
        ({"style": {"font_size": 500}}, "style"),
        ({"style": {"shadow": 1}}, "style"),
        ({"style": {"opacity": True}}, "style"),
        ({"text": "x" * 5000}, "text"),
    ],
)
def test_bad_input_names_the_field(api, body, field):
    project = create_project(api)
    response = api.post(url(project), {"kind": "rect", **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Annotation.objects.exists()


def test_limit_per_project(api, monkeypatch):
    project = create_project(api)
    monkeypatch.setattr("webgns.labs.api.serializers.MAX_ANNOTATIONS", 2)
    create(api, project)
    create(api, project)
    response = api.post(url(project), {"kind": "rect"}, format="json")
    assert response.status_code == 400 and "at most 2" in str(response.json())
    assert MAX_ANNOTATIONS >= 1000


def test_other_users_see_nothing(api, make_api):
    project = create_project(api)
    note = create(api, project)
    stranger = make_api("stranger")
    assert stranger.get(url(project)).status_code == 404
    assert stranger.patch(url(project, note), {"x": 1}, format="json").status_code == 404
    assert stranger.delete(url(project, note)).status_code == 404


def test_changes_are_published_as_events(api, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("webgns.labs.events.publish_now", lambda project, kind, **payload: sent.append((kind, payload)))
    project = create_project(api)
    with django_capture_on_commit_callbacks(execute=True):
        note = create(api, project, text="hello", kind="text")
        api.patch(url(project, note), {"text": "bye"}, format="json")
        api.delete(url(project, note))
    kinds = [kind for kind, _ in sent]
    assert kinds == ["annotation.created", "annotation.updated", "annotation.deleted"]
    assert sent[0][1]["annotation"]["text"] == "hello"
    assert sent[1][1]["annotation"]["text"] == "bye"
    assert sent[2][1]["id"] == note["id"]


def test_snapshot_carries_annotations(api):
    project = create_project(api)
    note = create(api, project, kind="text", text="in the snapshot")
    snapshot = project_snapshot(project["id"])
    assert [a["id"] for a in snapshot["annotations"]] == [note["id"]]
    assert snapshot["annotations"][0]["text"] == "in the snapshot"


def test_export_and_import_carry_annotations(api, templates):
    project = create_project(api, "Annotated")
    create_node(api, project, templates["busybox"], "pc1")
    create(api, project, kind="text", text="DMZ", style={"color": "#d93025"}, z=2)
    create(api, project, kind="ellipse", x=-40, y=-30, width=400, height=250, style={"fill": "#fef7e0"})
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    assert [a["kind"] for a in exported["annotations"]] == ["ellipse", "text"]
    copy = api.post("/api/projects/import/?name=Copy", exported, format="json")
    assert copy.status_code == 201, copy.content
    again = api.get(f"/api/projects/{copy.json()['id']}/export/").json()
    assert again["annotations"] == exported["annotations"]
    # Documents from before annotations existed still import.
    del exported["annotations"]
    assert api.post("/api/projects/import/?name=Old", exported, format="json").status_code == 201


def test_bad_annotation_in_a_document_creates_nothing(api, templates):
    project = create_project(api, "Src")
    create_node(api, project, templates["busybox"], "pc1")
    exported = api.get(f"/api/projects/{project['id']}/export/").json()
    exported["annotations"] = [{"kind": "rect", "style": {"fill": "not-a-colour"}}]
    before = Annotation.objects.count()
    response = api.post("/api/projects/import/?name=Broken", exported, format="json")
    assert response.status_code == 400 and "annotations[0]" in response.json()
    assert Annotation.objects.count() == before
    exported["annotations"] = "none"
    assert "annotations" in api.post("/api/projects/import/?name=Broken", exported, format="json").json()

