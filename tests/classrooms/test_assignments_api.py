"""Assignments: publishing a teacher's lab, students' first start making a private copy (once)."""

import pytest

from webgns.classrooms.models import StudentCopy
from webgns.labs.models import Operation

pytestmark = pytest.mark.django_db


def test_publish_rules(classroom, make_api):
    room = classroom(students=1)
    url = f"{room.url}assignments/"
    # A project of someone who does not teach the course (here: a student's own project).
    student_lab = room.students[0].post("/api/projects/", {"name": "own"}, format="json").json()
    response = room.teacher.post(url, {"title": "x", "source": student_lab["id"]}, format="json")
    assert response.status_code == 400 and "source" in response.json()
    empty = room.teacher.post("/api/projects/", {"name": "empty"}, format="json").json()
    response = room.teacher.post(url, {"title": "x", "source": empty["id"]}, format="json")
    assert response.status_code == 400 and "no nodes" in str(response.json())
    response = room.teacher.post(url, {"title": " ", "source": room.lab["id"]}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    response = room.teacher.patch(f"{url}{room.assignment['id']}/", {"source": empty["id"]}, format="json")
    assert response.status_code == 400


def test_start_makes_one_private_copy_owned_by_the_student(classroom):
    room = classroom(students=1)
    student = room.students[0]
    response = room.start(student)
    assert response.status_code == 202, response.content
    body = response.json()
    copy = StudentCopy.objects.get(pk=body["copy"]["id"])
    assert copy.project.owner == student.user and copy.project.id != room.lab["id"]
    assert Operation.objects.get(pk=body["operation"]).project_id == copy.project.id
    nodes = student.get(f"/api/projects/{copy.project.id}/nodes/").json()
    assert sorted(n["name"] for n in nodes) == ["pc1", "pc2"]
    assert {n["startup"][0] for n in nodes} == {
        "ip addr add 10.0.0.1/24 dev eth0",
        "ip addr add 10.0.0.2/24 dev eth0",
    }
    assert len(student.get(f"/api/projects/{copy.project.id}/links/").json()) == 1
    again = room.start(student)
    assert again.status_code == 202 and again.json()["copy"]["id"] == str(copy.id), (
        "the same copy, not a new one"
    )
    assert StudentCopy.objects.filter(student=student.user).count() == 1
    listed = student.get(f"{room.url}assignments/").json()
    assert listed[0]["my_copy"]["project"] == str(copy.project.id)


def test_teacher_does_not_start_a_copy(classroom):
    room = classroom(students=0)
    response = room.start(room.teacher)
    assert response.status_code == 403 and "students" in response.json()["detail"]


def test_original_is_protected_while_assigned(classroom):
    room = classroom(students=0)
    response = room.teacher.delete(f"/api/projects/{room.lab['id']}/")
    assert response.status_code == 409 and "In use" in response.json()["detail"]


def test_deleting_an_assignment_deletes_its_copies(classroom):
    room = classroom(students=2)
    for student in room.students:
        room.start(student)
    projects = list(StudentCopy.objects.values_list("project_id", flat=True))
    assert room.teacher.delete(f"{room.url}assignments/{room.assignment['id']}/").status_code == 204
    assert not StudentCopy.objects.exists()
    for student, project in zip(room.students, projects, strict=True):
        assert student.get(f"/api/projects/{project}/").status_code == 404
