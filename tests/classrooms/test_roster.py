"""CSV roster import: good lines enrolled, each bad line reported with its number and reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

ROSTER = """username,email
ada,ada@example.org
bad name,bad@example.org
grace,not-an-email

linus,linus@example.org,extra
ada,ada2@example.org
ken,KEN@example.org
"""


def test_roster_partial_import_reports_bad_lines(classroom, make_api):
    room = classroom(students=0)
    make_api("ken")  # exists already with ken@example.org: enrolled, no new password
    response = room.teacher.post(f"{room.url}students/import/", {"csv": ROSTER}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["line"], r["username"]) for r in body["created"]] == [(2, "ada")]
    assert all(len(r["password"]) >= 12 for r in body["created"])
    assert [(r["line"], r["username"]) for r in body["enrolled"]] == [(8, "ken")]
    assert "password" not in body["enrolled"][0]
    errors = {e["line"]: e["error"] for e in body["errors"]}
    assert sorted(errors) == [3, 4, 6, 7], errors
    assert "bad name" in errors[3]
    assert "not a valid address" in errors[4]
    assert "expected 2 fields" in errors[6]
    assert "already appears on line 2" in errors[7]
    students = [s["username"] for s in room.teacher.get(f"{room.url}students/").json()]
    assert students == ["ada", "ken"]
    # The generated password works, and only its hash is stored.
    from django.contrib.auth import get_user_model

    ada = get_user_model().objects.get(username="ada")
    assert (
        ada.check_password(body["created"][0]["password"])
        and body["created"][0]["password"] not in ada.password
    )


def test_roster_reupload_is_harmless_and_file_upload_works(classroom):
    room = classroom(students=0)
    upload = SimpleUploadedFile("roster.csv", "\ufeffzoe,zoe@example.org\n".encode(), content_type="text/csv")
    first = room.teacher.post(f"{room.url}students/import/", {"file": upload}, format="multipart").json()
    assert [r["username"] for r in first["created"]] == ["zoe"] and first["errors"] == []
    again = room.teacher.post(
        f"{room.url}students/import/", {"csv": "zoe,zoe@example.org"}, format="json"
    ).json()
    assert again["created"] == [] and [r["username"] for r in again["unchanged"]] == ["zoe"]


def test_roster_refuses_non_utf8_and_empty_request(classroom):
    room = classroom(students=0)
    upload = SimpleUploadedFile("roster.csv", "zoë,z@example.org".encode("latin-1"))
    response = room.teacher.post(f"{room.url}students/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400 and "UTF-8" in str(response.json())
    response = room.teacher.post(f"{room.url}students/import/", {}, format="json")
    assert response.status_code == 400 and "file" in response.json()


def test_student_cannot_import_roster(classroom):
    room = classroom(students=1)
    response = room.students[0].post(
        f"{room.url}students/import/", {"csv": "eve,eve@example.org"}, format="json"
    )
    assert response.status_code == 403
