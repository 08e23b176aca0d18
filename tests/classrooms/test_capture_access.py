"""Captures follow the project's access: a course's teachers capture on (and read) their students'
copies; another course's teacher and the other students get 404. No lab runs here: the rules are
what is checked (a down link answers 400 to whoever may ask, 404 to whoever may not see it).
"""

import pytest

from webgns.captures.models import Capture
from webgns.labs.models import Link, Project

pytestmark = pytest.mark.django_db


def _copy(room, student) -> Project:
    assert room.start(student).status_code == 202
    body = student.get(f"{room.url}assignments/{room.assignment['id']}/").json()
    return Project.objects.get(pk=body["my_copy"]["project"])


def test_teachers_capture_on_their_students_copies_only(classroom):
    a, b = classroom(students=2), classroom(students=1)
    copy = _copy(a, a.students[0])
    link = Link.objects.get(project=copy)
    url = f"/api/projects/{copy.id}/links/{link.id}/captures/"

    # Allowed to ask (the refusal is about the link, not about who asks).
    for client in (a.students[0], a.teacher):
        response = client.post(url, {"end": "a", "filter": "icmp"}, format="json")
        assert response.status_code == 400 and "not up" in response.json()["link"][0], response.content
    for client in (b.teacher, a.students[1]):
        assert client.post(url, {"end": "a"}, format="json").status_code == 404

    capture = Capture.objects.create(project=copy, link=link, user=a.students[0].user, end="a", max_packets=10,
                                     max_bytes=10000, max_seconds=10, status="stopped", reason="stopped")
    detail = f"{url}{capture.id}/"
    assert a.teacher.get(detail).status_code == 200
    assert a.teacher.get(f"/api/projects/{copy.id}/captures/").json()[0]["id"] == str(capture.id)
    for client in (b.teacher, a.students[1]):
        assert client.get(detail).status_code == 404
        assert client.get(f"{detail}packets/").status_code == 404
        assert client.post(f"{detail}stop/").status_code == 404
