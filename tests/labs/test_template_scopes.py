"""Templates: global ones by staff only, private ones per user (and in their assignments' copies),
image names that are Docker references from allowed registries."""

import pytest

from tests.labs.factories import create_node, create_project

pytestmark = pytest.mark.django_db


def _create(api, **body):
    return api.post("/api/templates/", {"image": "webgns/busybox:latest", **body}, format="json")


def test_a_users_template_is_private(api, make_api, templates):
    response = _create(api, name="mine")
    assert response.status_code == 201, response.content
    mine = response.json()
    assert mine["scope"] == "private" and mine["owner"] == "alice"
    bob = make_api("bob")
    assert "mine" not in {t["name"] for t in bob.get("/api/templates/").json()}
    assert bob.get(f"/api/templates/{mine['id']}/").status_code == 404
    assert bob.patch(f"/api/templates/{mine['id']}/", {"adapters": 2}, format="json").status_code == 404
    # Bob cannot build a node from it; alice can.
    project = create_project(bob, "b")
    response = bob.post(f"/api/projects/{project['id']}/nodes/", {"name": "n", "template": mine["id"]}, format="json")
    assert response.status_code == 400 and "template" in response.json()
    create_node(api, create_project(api), type("T", (), {"id": mine["id"]}), "n1")
    assert api.patch(f"/api/templates/{mine['id']}/", {"adapters": 2}, format="json").status_code == 200


def test_only_staff_make_or_change_global_templates(api, staff_api, templates):
    response = _create(api, name="shared", scope="global")
    assert response.status_code == 400 and "scope" in response.json()
    response = _create(staff_api, name="shared")
    assert response.status_code == 201 and response.json()["scope"] == "global"
    url = f"/api/templates/{response.json()['id']}/"
    assert api.patch(url, {"adapters": 3}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    assert api.patch(url, {"scope": "private"}, format="json").status_code == 403
    assert staff_api.patch(url, {"scope": "private"}, format="json").status_code == 400
    assert staff_api.delete(url).status_code == 204


def test_names_are_unique_per_scope(api, make_api, templates):
    assert _create(api, name="busybox").status_code == 400  # may not shadow a global
    assert _create(api, name="mine").status_code == 201
    assert _create(api, name="mine").status_code == 400
    assert _create(make_api("bob"), name="mine").status_code == 201  # bob's own


def test_an_assignments_copy_uses_the_teachers_private_template(make_api, staff_api, templates):
    from webgns.classrooms import copies
    from webgns.classrooms.models import Assignment, Course
    from webgns.labs.models import Project

    teacher, student = make_api("teacher"), make_api("student")
    private = _create(teacher, name="router").json()
    source = create_project(teacher, "lab")
    create_node(teacher, source, type("T", (), {"id": private["id"]}), "r1")
    course = Course.objects.create(name="net101")
    assignment = Assignment.objects.create(course=course, title="lab 1", source=Project.objects.get(pk=source["id"]))
    copy = copies.ensure_copy(assignment, student.user)
    assert [n.template_id for n in copy.project.nodes.all()] == [private["id"]] or \
        [str(n.template_id) for n in copy.project.nodes.all()] == [private["id"]]
    # The student still cannot use it in a lab of their own.
    own = create_project(student, "own")
    response = student.post(f"/api/projects/{own['id']}/nodes/", {"name": "x", "template": private["id"]},
                            format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "image",
    [
        "../../containers/abc",
        "busybox/../../containers/abc",
        "webgns/busybox:latest/../x",
        "/etc/passwd",
        "busybox?x=1",
        "busybox#frag",
        "Busybox",
        "busybox:",
        "busybox@sha256:123",
        "a" * 300,
        "busybox\n",
        "busy box",
        "%2e%2e/containers",
    ],
)
def test_image_names_that_are_not_references_are_refused(api, staff_api, image):
    for client in (api, staff_api):
        response = _create(client, name="tricky", image=image)
        assert response.status_code == 400, (image, response.content)
        assert "image" in response.json()


@pytest.mark.parametrize("image", ["busybox", "webgns/busybox:latest", "library/alpine:3.19",
                                   "alpine@sha256:" + "a" * 64, "my_org/my-image.v2:1.0_rc"])
def test_image_references_are_accepted(api, image):
    assert _create(api, name="ok", image=image).status_code == 201


def test_non_staff_may_not_name_a_registry_not_allowed(api, staff_api, settings):
    settings.WEBGNS_ALLOWED_REGISTRIES = []
    response = _create(api, name="remote", image="registry.example.org:5000/evil:1")
    assert response.status_code == 400
    assert "WEBGNS_ALLOWED_REGISTRIES" in response.json()["image"][0]
    assert _create(api, name="local", image="localhost:5000/x").status_code == 400
    # Staff may (the worker still pulls only from allowed registries).
    assert _create(staff_api, name="remote", image="registry.example.org:5000/evil:1").status_code == 201
    settings.WEBGNS_ALLOWED_REGISTRIES = ["registry.example.org:5000"]
    assert _create(api, name="remote2", image="registry.example.org:5000/evil:1").status_code == 201


def test_staff_list_global_and_their_own_unless_they_ask_for_all(api, staff_api, templates):
    _create(api, name="mine")
    assert "mine" not in {t["name"] for t in staff_api.get("/api/templates/").json()}
    everyone = staff_api.get("/api/templates/?all=true").json()
    assert {"mine", "busybox"} <= {t["name"] for t in everyone}
