"""Deleting an account: staff only, never one's own, nothing half done when another user's records still
need it, and — on a real worker — none of the user's running containers left on the host."""

from __future__ import annotations

import docker
import pytest
from django.contrib.auth import get_user_model

from tests.conftest import wait_for
from tests.labs.factories import create_node, create_project
from tests.live.conftest import wait_operation

User = get_user_model()


@pytest.fixture
def staff(make_api):
    return make_api("root", staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/people/{username}/", "/api/users/{pk}/"])
def test_only_staff_delete_accounts_and_never_their_own(make_api, staff, url):
    bob = make_api("bob")
    carol = make_api("carol")
    target = url.format(username="carol", pk=carol.user.pk)
    assert bob.delete(target).status_code == 403
    assert User.objects.filter(username="carol").exists()
    own = url.format(username="root", pk=staff.user.pk)
    refused = staff.delete(own)
    assert refused.status_code == 403 and "your own account" in refused.json()["detail"]
    assert staff.delete(target).status_code == 204
    assert not User.objects.filter(username="carol").exists()
    assert staff.delete(target).status_code == 404


@pytest.mark.django_db
def test_a_superuser_is_deleted_only_by_a_superuser(make_api, staff):
    boss = User.objects.create_superuser("boss", "boss@example.org", "pw-bossboss")
    refused = staff.delete("/api/people/boss/")
    assert refused.status_code == 403 and "superuser" in refused.json()["detail"]
    assert User.objects.filter(pk=boss.pk).exists()


@pytest.mark.django_db
def test_an_account_still_needed_by_an_assignment_is_kept_whole(make_api, staff, templates):
    teacher = make_api("tina")
    lab = create_project(teacher, "routing lab")
    create_node(teacher, lab, templates["busybox"], "pc1")
    course = staff.post("/api/courses/", {"name": "Net 1", "teachers": ["tina"]}, format="json")
    assert course.status_code == 201, course.content
    published = teacher.post(f"/api/courses/{course.json()['id']}/assignments/",
                             {"source": lab["id"], "title": "Lab 1", "published": True}, format="json")
    assert published.status_code == 201, published.content
    create_project(teacher, "scratch")

    refused = staff.delete("/api/people/tina/")
    assert refused.status_code == 409
    assert "Lab 1" in refused.json()["detail"] and "tina" in refused.json()["detail"]
    assert User.objects.filter(username="tina").exists()
    assert teacher.user.projects.count() == 2  # nothing half done


@pytest.mark.integration
def test_deleting_a_user_removes_their_running_lab_from_the_host(worker, make_api, staff, templates):
    student = make_api("sid")
    lab = create_project(student, "my lab")
    create_node(student, lab, templates["busybox"], "pc1")
    create_node(student, lab, templates["busybox"], "pc2")
    operation = student.post(f"/api/projects/{lab['id']}/start/").json()["operation"]
    assert wait_operation(student, operation)["status"] == "done"
    client = docker.from_env()
    label = {"label": f"webgns.project={lab['id']}"}
    assert len(client.api.containers(filters=label)) == 2  # running

    assert staff.delete("/api/people/sid/").status_code == 204
    assert not User.objects.filter(username="sid").exists()
    wait_for(lambda: not client.api.containers(all=True, filters=label), 60, what="the user's containers to go")
