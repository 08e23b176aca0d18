"""What captures may keep on the disk: a total per user (a running capture counts at its maximum),
deletion by their starter, and expiry after the retention. No lab runs here: the link is marked up
in the database, and a refused start never reaches a worker."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.labs.factories import create_link, create_node, create_project
from webgns.captures.models import Capture
from webgns.labs.models import Link

pytestmark = pytest.mark.django_db

MIB = 1 << 20


@pytest.fixture
def up_link(api, templates) -> tuple[dict, Link]:
    project = create_project(api, "captures")
    a = create_node(api, project, templates["busybox"], "a")
    b = create_node(api, project, templates["busybox"], "b")
    link = Link.objects.get(pk=create_link(api, project, a, b)["id"])
    Link.objects.filter(pk=link.pk).update(status="up")
    return project, link


def kept(project: dict, link: Link, user, size: int, **fields) -> Capture:
    values = {"status": "stopped", "reason": "stopped", "max_bytes": max(size, 1024), **fields}
    return Capture.objects.create(project_id=project["id"], link=link, user=user, end="a", max_packets=10,
                                  max_seconds=10, bytes=size, **values)  # fmt: skip


def test_a_user_past_the_total_is_refused_with_the_figures(api, up_link, settings):
    settings.WEBGNS_CAPTURE_USER_TOTAL_BYTES = 100 * MIB
    project, link = up_link
    user = api.user
    kept(project, link, user, 90 * MIB)
    url = f"/api/projects/{project['id']}/links/{link.id}/captures/"
    response = api.post(url, {"end": "a", "max_bytes": 20 * MIB}, format="json")
    assert response.status_code == 400, response.content
    message = response.json()["quota"][0]
    assert "90 MiB" in message and "100 MiB" in message and "Delete" in message
    assert Capture.objects.count() == 1, "nothing half-made"


def test_a_running_capture_counts_at_its_maximum(api, up_link, settings):
    settings.WEBGNS_CAPTURE_USER_TOTAL_BYTES = 100 * MIB
    project, link = up_link
    user = api.user
    kept(project, link, user, 1 * MIB, status="running", reason="", max_bytes=64 * MIB)
    response = api.post(f"/api/projects/{project['id']}/links/{link.id}/captures/",
                        {"end": "a", "max_bytes": 40 * MIB}, format="json")  # fmt: skip
    assert response.status_code == 400 and "quota" in response.json()


def test_its_starter_deletes_a_finished_capture_and_its_file(api, up_link, settings, tmp_path):
    settings.WEBGNS_CAPTURE_DIR = tmp_path
    project, link = up_link
    user = api.user
    capture = kept(project, link, user, 2048)
    capture.path.write_bytes(b"\0" * 2048)
    running = kept(project, link, user, 10, status="running", reason="")
    url = f"/api/projects/{project['id']}/captures/"
    assert api.delete(f"{url}{running.id}/").status_code == 400, "a running capture is stopped first"
    assert api.delete(f"{url}{capture.id}/").status_code == 204
    assert not capture.path.exists() and not Capture.objects.filter(pk=capture.pk).exists()


def test_finished_captures_past_the_retention_expire_with_their_files(api, up_link, settings, tmp_path):
    from webgns.tasks.capture_tasks import expire_captures

    settings.WEBGNS_CAPTURE_DIR = tmp_path
    settings.WEBGNS_CAPTURE_RETENTION_DAYS = 7
    project, link = up_link
    user = api.user
    old, fresh = kept(project, link, user, 100), kept(project, link, user, 100)
    old_running = kept(project, link, user, 100, status="running", reason="")
    Capture.objects.filter(pk__in=[old.pk, old_running.pk]).update(
        created=timezone.now() - datetime.timedelta(days=8))
    for capture in (old, fresh):
        capture.path.write_bytes(b"x")
    assert expire_captures() == 1
    assert not old.path.exists() and fresh.path.exists()
    assert set(Capture.objects.values_list("pk", flat=True)) == {fresh.pk, old_running.pk}
