"""The grades CSV never hands a spreadsheet a formula: cells that begin with = + - @ tab or CR (a
check's name, a student's username) get a leading quote (OWASP, "CSV Injection")."""

import csv
import io

import pytest

from tests.classrooms.conftest import post_ok
from webgns.classrooms.grading import sheet_cell

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ['=HYPERLINK("http://example.org","x")', "+1-1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_quoted(text):
    assert sheet_cell(text) == "'" + text


def test_plain_cells_are_unchanged():
    assert [sheet_cell(v) for v in ("alice", "pass", 3, "", "2026-01-01")] == ["alice", "pass", 3, "", "2026-01-01"]


def test_grades_csv_quotes_formulas(classroom, make_api):
    room = classroom(students=0)
    plus = make_api("+1-1")
    post_ok(room.teacher, f"{room.url}students/", {"username": "+1-1", "email": plus.user.email})
    post_ok(room.teacher, f"{room.url}assignments/{room.assignment['id']}/checks/",
            {"name": '=HYPERLINK("http://example.org","click")', "node": room.nodes[0]["name"], "command": "true"})
    response = room.teacher.get(f"{room.url}assignments/{room.assignment['id']}/grades/?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][1] == "'=HYPERLINK(\"http://example.org\",\"click\")"
    assert rows[1][0] == "'+1-1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
