"""A student's copy of an assignment carries the teacher's annotations (copies are made by export + import)."""

import pytest

pytestmark = pytest.mark.django_db


def test_students_copies_carry_the_annotations(classroom):
    room = classroom(students=1, published=True)
    # Added to the teacher's lab before the student starts: the copy is made from it then.
    created = room.teacher.post(
        f"/api/projects/{room.lab['id']}/annotations/", {"kind": "text", "text": "start here"}, format="json"
    )
    assert created.status_code == 201, created.content
    response = room.start(room.students[0])
    assert response.status_code == 202, response.content
    copy_project = response.json()["copy"]["project"]
    notes = room.students[0].get(f"/api/projects/{copy_project}/annotations/").json()
    assert [a["text"] for a in notes] == ["start here"]
