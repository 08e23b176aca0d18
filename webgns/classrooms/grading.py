"""Grading in the web tier: ask workers to run an assignment's checks, and read the results back.

`request_checks` records a CheckRun per copy and enqueues one task per copy after the
transaction commits (so "Run all" spreads over every worker); `latest_results` gives a copy's
newest result per check; `grid` and `grid_csv` give the teacher's student × check table.
"""

import csv
import io

from django.db import transaction
from django.db.models import Count

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Assignment, Check, CheckResult, CheckRun, StudentCopy

HISTORY_PER_CELL = 10


def request_checks(copies, user) -> list[CheckRun]:
    from webgns.classrooms.pool import copy_host
    from webgns.tasks import routing
    from webgns.tasks.check_tasks import run_checks

    with transaction.atomic():
        runs = [CheckRun.objects.create(copy=copy, user=user if user and user.pk else None) for copy in copies]
        for run in runs:
            # Checks are commands in the copy's nodes: the exec queue of the host they run on.
            host = copy_host(run.copy.project)
            transaction.on_commit(lambda run_id=str(run.id), host=host: routing.send(run_checks, host, run_id,
                                                                                       exec_work=True))
    return runs


def result_row(check: Check, result: CheckResult | None) -> dict:
    passed = None if result is None else result.passed
    return {
        "check": str(check.id),
        "name": check.name,
        "node": check.node,
        "passed": passed,
        "output": "" if result is None else result.output,
        "ran_at": None if result is None else result.ran_at,
        "hint": check.hint if passed is False else "",
    }


def latest_results(copy: StudentCopy) -> list[dict]:
    """Every check of the copy's assignment with its newest result (passed None: never run)."""
    checks = list(copy.assignment.checks.all())
    latest: dict = {}
    for result in copy.check_results.order_by("ran_at", "id"):
        latest[result.check_item_id] = result
    return [result_row(check, latest.get(check.id)) for check in checks]


def grid(assignment: Assignment) -> dict:
    """{"checks": [...], "rows": [{"student", "copy", "cells": {check: {...}}, "last_run"}]}."""
    checks = list(assignment.checks.all())
    copies = {c.student_id: c for c in assignment.copies.select_related("student")}
    history: dict = {}
    for result in CheckResult.objects.filter(copy__assignment=assignment).order_by("-ran_at", "-id"):
        cell = history.setdefault((result.copy_id, result.check_item_id), [])
        if len(cell) < HISTORY_PER_CELL:
            cell.append({"passed": result.passed, "ran_at": result.ran_at})
    runs = dict(
        CheckRun.objects.filter(copy__assignment=assignment).values_list("copy_id").annotate(n=Count("id"))
    )
    students = assignment.course.members_with_role(Role.STUDENT)
    rows = []
    for student in students:
        copy = copies.get(student.pk)
        cells, last = {}, None
        for check in checks:
            past = history.get((copy.id, check.id), []) if copy else []
            cells[str(check.id)] = {
                "passed": past[0]["passed"] if past else None,
                "ran_at": past[0]["ran_at"] if past else None,
                "runs": len(past),
                "history": past,
            }
            if past and (last is None or past[0]["ran_at"] > last):
                last = past[0]["ran_at"]
        rows.append(
            {
                "student": student.username,
                "copy": str(copy.id) if copy else None,
                "project": str(copy.project_id) if copy else None,
                "cells": cells,
                "passed": sum(1 for c in cells.values() if c["passed"]),
                "runs": runs.get(copy.id, 0) if copy else 0,
                "last_run": last,
            }
        )
    return {"checks": [{"id": str(c.id), "name": c.name, "node": c.node} for c in checks], "rows": rows}


# A spreadsheet runs a cell that begins with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_cell(value: object) -> object:
    """`value` as a spreadsheet shows it literally: text that would start a formula gets a leading
    quote, which spreadsheets read as "this is text" (student names may begin with + - @)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def grid_csv(assignment: Assignment) -> str:
    table = grid(assignment)
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["student", *(c["name"] for c in table["checks"]), "passed", "total", "runs", "last_run"]
    writer.writerow([sheet_cell(cell) for cell in header])
    for row in table["rows"]:
        marks = []
        for check in table["checks"]:
            passed = row["cells"][check["id"]]["passed"]
            marks.append("" if passed is None else ("pass" if passed else "fail"))
        last = row["last_run"].isoformat() if row["last_run"] else ""
        cells = [row["student"], *marks, row["passed"], len(table["checks"]), row["runs"], last]
        writer.writerow([sheet_cell(cell) for cell in cells])
    return out.getvalue()
