"""Quotas: a start that would pass the student's or the course's node limit is refused with a reason."""

import pytest
from django.utils import timezone

from webgns.classrooms.models import StudentCopy
from webgns.labs.models import Node, Operation

pytestmark = pytest.mark.django_db


def finish_all_operations() -> None:
    Operation.objects.filter(finished__isnull=True).update(status="done", finished=timezone.now())


def test_student_limit(classroom, staff_api):
    room = classroom(students=1, node_count=2, student_node_limit=1)
    response = room.start(room.students[0])
    assert response.status_code == 400
    assert response.json() == {"quota": ["starting this lab would run 2 nodes; your limit is 1."]}
    assert not StudentCopy.objects.exists(), "a refused start leaves no copy behind"


def test_student_limit_counts_their_other_running_labs(classroom, templates):
    room = classroom(students=1, node_count=2, student_node_limit=3)
    student = room.students[0]
    own = student.post("/api/projects/", {"name": "own"}, format="json").json()
    for i in range(2):
        student.post(
            f"/api/projects/{own['id']}/nodes/",
            {"name": f"n{i}", "template": str(templates["busybox"].id)},
            format="json",
        )
    Node.objects.filter(project_id=own["id"]).update(status="started")
    response = room.start(student)
    assert response.status_code == 400
    assert "would run 4 nodes; your limit is 3" in response.json()["quota"][0]


def test_course_limit_counts_starts_not_yet_running(classroom):
    """Nodes count from the moment their start is asked for: no race before the worker acts."""
    room = classroom(students=2, node_count=2, course_node_limit=3)
    first, second = room.students
    assert room.start(first).status_code == 202
    response = room.start(second)
    assert response.status_code == 400
    assert "would run 4 nodes in course" in response.json()["quota"][0]
    assert "the course's limit is 3" in response.json()["quota"][0]
    # Once the first copy is stopped, the second student may start.
    finish_all_operations()
    assert room.start(second).status_code == 202


def test_pressing_start_on_a_running_copy_is_not_double_counted(classroom):
    room = classroom(students=1, node_count=2, student_node_limit=2)
    student = room.students[0]
    assert room.start(student).status_code == 202
    assert room.start(student).status_code == 202


def test_quota_holds_through_the_labs_api(classroom):
    """/api/projects/{p}/start/ and node starts are held to the same quota as the course API."""
    room = classroom(students=1, node_count=2)
    student = room.students[0]
    project = room.start(student).json()["copy"]["project"]
    finish_all_operations()
    staff = room.teacher  # the teacher starts on the student's behalf: the student's limit applies
    from webgns.classrooms.models import Course

    Course.objects.filter(pk=room.course["id"]).update(student_node_limit=1)
    response = staff.post(f"/api/projects/{project}/start/")
    assert response.status_code == 400
    assert f"{student.user.username}'s limit is 1" in response.json()["quota"][0]
    node = Node.objects.filter(project_id=project).first()
    assert student.post(f"/api/projects/{project}/nodes/{node.id}/start/").status_code == 202, "one node fits"
    other = Node.objects.filter(project_id=project).exclude(pk=node.pk).first()
    response = student.post(f"/api/projects/{project}/nodes/{other.id}/start/")
    assert response.status_code == 400 and "your limit is 1" in response.json()["quota"][0]
