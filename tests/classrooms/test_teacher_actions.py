"""The teacher's course view and actions: copies with node status, reset, stop all, delete all, audit."""

import pytest

from webgns.classrooms.audit import record_audit
from webgns.classrooms.models import AuditEvent, StudentCopy
from webgns.labs.models import Node, Operation, Project

pytestmark = pytest.mark.django_db


def test_copies_list_shows_live_node_status(classroom):
    room = classroom(students=2)
    for student in room.students:
        room.start(student)
    first = StudentCopy.objects.get(student=room.students[0].user)
    Node.objects.filter(project=first.project, name="pc1").update(status="started")
    copies = {c["student"]: c for c in room.teacher.get(f"{room.url}copies/").json()}
    mine = copies[room.students[0].user.username]
    assert mine["status"] == "partial"
    assert {n["name"]: n["status"] for n in mine["nodes"]} == {"pc1": "started", "pc2": "stopped"}
    assert copies[room.students[1].user.username]["status"] == "stopped"
    only = room.teacher.get(f"{room.url}copies/?student={room.students[1].user.username}").json()
    assert [c["student"] for c in only] == [room.students[1].user.username]


def test_reset_rebuilds_the_copy_from_the_original_in_place(classroom, templates):
    room = classroom(students=1)
    student = room.students[0]
    old = room.start(student).json()["copy"]
    # The student breaks their lab: deletes the link and adds a node.
    links = student.get(f"/api/projects/{old['project']}/links/").json()
    student.delete(f"/api/projects/{old['project']}/links/{links[0]['id']}/")
    student.post(
        f"/api/projects/{old['project']}/nodes/",
        {"name": "junk", "template": str(templates["busybox"].id)},
        format="json",
    )
    response = room.teacher.post(f"{room.url}copies/{old['id']}/reset/")
    assert response.status_code == 200, response.content
    body = response.json()
    # Reset keeps the address: the same copy and project, its content rebuilt from the original.
    assert body["id"] == old["id"] and body["project"] == old["project"]
    assert sorted(n["name"] for n in body["nodes"]) == ["pc1", "pc2"] and body["status"] == "stopped"
    new = Project.objects.get(pk=body["project"])
    assert new.owner == student.user and new.links.count() == 1
    assert Project.objects.filter(owner=student.user).count() == 1, "no scratch project left behind"
    assert student.get(f"/api/projects/{body['project']}/").status_code == 200
    assert AuditEvent.objects.filter(action="reset", username=room.teacher.user.username).count() == 1
    assert student.post(f"{room.url}copies/{old['id']}/reset/").status_code == 403


def test_stop_all_and_delete_all(classroom):
    room = classroom(students=3)
    for student in room.students:
        room.start(student)
    running = StudentCopy.objects.filter(student__in=[s.user for s in room.students[:2]])
    Node.objects.filter(project__classroom_copy__in=running).update(status="started")
    response = room.teacher.post(f"{room.url}copies/stop-all/")
    assert response.status_code == 202
    stops = Operation.objects.filter(pk__in=response.json()["operations"])
    assert {op.project_id for op in stops} == {c.project_id for c in running}
    assert all(op.kind == "project.stop" for op in stops)
    response = room.teacher.post(f"{room.url}copies/delete-all/")
    assert response.json() == {"deleted": 3}
    assert not StudentCopy.objects.exists()
    assert room.teacher.get(f"{room.url}copies/").json() == []
    assert Project.objects.filter(pk=room.lab["id"]).exists(), "the original stays"


def test_audit_trail(classroom):
    room = classroom(students=1)
    student = room.students[0]
    project_id = room.start(student).json()["copy"]["project"]
    student.post(f"/api/projects/{project_id}/stop/")
    record_audit(room.teacher.user, Project.objects.get(pk=project_id), "console", "node pc1, watching")
    events = room.teacher.get(f"{room.url}audit/").json()
    assert [(e["username"], e["action"]) for e in events] == [
        (room.teacher.user.username, "console"),
        (student.user.username, "stop"),
        (student.user.username, "start"),
    ]
    assert all(e["project"] == project_id for e in events)
    only = room.teacher.get(f"{room.url}audit/?action=start").json()
    assert [e["action"] for e in only] == ["start"]
    other = classroom(students=0)
    assert other.teacher.get(f"{room.url}audit/").status_code == 404
    with pytest.raises(ValueError, match="unknown audit action"):
        record_audit(student.user, Project.objects.get(pk=project_id), "peek")
