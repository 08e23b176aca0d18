"""Chromium: the pages staff and teachers run a class from — a student landing on their course, the same
header links on every page, a People table and a project list that fit at 1280 px, deleting an account or a
course (asked first, nothing gone on Cancel), and editing a check.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.course_page import busybox_lab, make_person, ok

pytestmark = pytest.mark.e2e

FITS = """(selector) => {
  const d = document.documentElement;
  const t = document.querySelector(selector);
  return { page: d.scrollWidth - window.innerWidth, table: t.scrollWidth - t.clientWidth };
}"""


def _answer_dialogs(page, answers: list[bool]) -> list[str]:
    """Accept or dismiss the next confirm() dialogs in order; returns their messages."""
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        if answers.pop(0):
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return asked


def test_a_student_who_logs_in_at_the_site_address_lands_on_their_course(stack, api, new_page):
    base = f"{stack.base_url}/api"
    course = api.post(f"{base}/courses/", json={"name": f"land {uuid.uuid4().hex[:6]}"}, timeout=10).json()
    username = f"stu{uuid.uuid4().hex[:6]}"
    made = api.post(f"{base}/people/", json={"username": username, "email": f"{username}@example.org"}, timeout=10)
    assert made.status_code == 201, made.text
    enrolled = api.post(f"{base}/courses/{course['id']}/students/",
                        json={"username": username, "email": f"{username}@example.org"}, timeout=10)
    assert enrolled.status_code in (200, 201), enrolled.text
    page = new_page()
    page.goto(f"{stack.base_url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", made.json()["password"])
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{stack.base_url}/courses/{course['id']}/")
    page.wait_for_selector("#student-view:not([hidden])")


def test_header_links_are_the_same_on_every_page(stack, api, logged_in):
    course = api.post(f"{stack.base_url}/api/courses/", json={"name": f"links {uuid.uuid4().hex[:6]}"},
                      timeout=10).json()
    page = logged_in()
    seen = {}
    for path in ("/", "/courses/", f"/courses/{course['id']}/", "/people/", "/compute/"):
        page.goto(f"{stack.base_url}{path}")
        seen[path] = page.evaluate("""() => [...document.querySelectorAll('.topbar a')]
            .map((a) => [a.textContent.trim(), a.getAttribute('href')])""")
        current = page.evaluate("() => document.querySelector('.site-links [aria-current=page]')?.textContent")
        assert current, path
    first = seen["/"]
    assert [text for text, _ in first] == ["webgns", "Projects", "Courses", "People", "Compute hosts", "Docs"], first
    assert all(links == first for links in seen.values()), seen


def test_people_table_fits_and_an_account_is_deleted_only_when_confirmed(stack, api, logged_in):
    long_name = f"a-very-long-username-for-the-people-table-{uuid.uuid4().hex}"[:80]
    made = api.post(f"{stack.base_url}/api/people/", timeout=10,
                    json={"username": long_name, "email": f"{long_name[:40]}@example.org"})
    assert made.status_code == 201, made.text
    page = logged_in()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{stack.base_url}/people/")
    row = f'tr[data-username="{long_name}"]'
    page.wait_for_selector(row)
    sizes = page.evaluate(FITS, ".people-table")
    assert sizes["page"] <= 0 and sizes["table"] <= 0, sizes

    asked = _answer_dialogs(page, [False, True])
    page.click(f"{row} button.delete-user")
    page.wait_for_timeout(500)
    assert page.is_visible(row) and len(asked) == 1 and long_name in asked[0]
    names = [u["username"] for u in api.get(f"{stack.base_url}/api/people/", timeout=10).json()]
    assert long_name in names  # Cancel deleted nothing
    page.click(f"{row} button.delete-user")
    page.wait_for_selector(row, state="detached")
    names = [u["username"] for u in api.get(f"{stack.base_url}/api/people/", timeout=10).json()]
    assert long_name not in names


def test_a_course_is_deleted_only_when_confirmed(stack, api, logged_in):
    course = api.post(f"{stack.base_url}/api/courses/", json={"name": f"gone {uuid.uuid4().hex[:6]}"},
                      timeout=10).json()
    url = f"{stack.base_url}/api/courses/{course['id']}/"
    page = logged_in()
    page.goto(f"{stack.base_url}/courses/{course['id']}/")
    page.wait_for_selector("#delete-course-zone:not([hidden])")
    asked = _answer_dialogs(page, [False, True])
    page.click("#btn-delete-course")
    page.wait_for_timeout(500)
    assert len(asked) == 1 and course["name"] in asked[0]
    assert api.get(url, timeout=10).status_code == 200
    page.click("#btn-delete-course")
    page.wait_for_url(f"{stack.base_url}/courses/")
    assert api.get(url, timeout=10).status_code == 404


def test_a_check_is_edited_in_place(stack, api, logged_in, cleanup_projects):
    base = f"{stack.base_url}/api"
    teacher = make_person(stack, api, "teach")
    project = busybox_lab(stack, teacher, f"e2e-check-{uuid.uuid4().hex[:6]}", ("pc1", "pc2"))
    cleanup_projects.append(project["id"])
    course = ok(api.post(f"{base}/courses/", json={"name": f"checks {uuid.uuid4().hex[:6]}",
                                                   "teachers": [teacher.username]}, timeout=10))
    assignment = ok(teacher.api.post(f"{base}/courses/{course['id']}/assignments/", timeout=10,
                                     json={"source": project["id"], "title": "Lab 1", "published": True}))
    checks = f"{base}/courses/{course['id']}/assignments/{assignment['id']}/checks/"
    check = api.post(checks, timeout=10, json={"name": "reach", "kind": "reaches", "node": "pc1",
                                               "target": "10.0.0.2"})
    assert check.status_code == 201, check.text

    page = logged_in()
    page.goto(f"{stack.base_url}/courses/{course['id']}/")
    page.click(f'tr[data-assignment-id="{assignment["id"]}"] .edit-assignment')
    row = f'tr[data-check-id="{check.json()["id"]}"]'
    page.wait_for_selector(row)
    page.click(f"{row} .edit-check")
    form = ".check-form.editing"
    assert page.input_value(f"{form} input[name=target]") == "10.0.0.2"
    page.fill(f"{form} input[name=node]", "pc2")
    page.fill(f"{form} input[name=target]", "10.0.0.1")
    page.fill(f"{form} input[name=hint]", "Look at pc2's address")
    page.click(f"{form} .check-submit")
    page.wait_for_selector(f"{row} td:has-text('pc2 reaches 10.0.0.1')")
    saved = api.get(f"{checks}{check.json()['id']}/", timeout=10).json()
    assert (saved["node"], saved["target"], saved["hint"]) == ("pc2", "10.0.0.1", "Look at pc2's address")
    assert len(api.get(checks, timeout=10).json()) == 1  # edited, not added

    # A refusal lands under its field and the check stays as it was.
    page.click(f"{row} .edit-check")
    page.fill(f"{form} input[name=node]", "nope")
    page.click(f"{form} .check-submit")
    page.wait_for_selector(f"{form} [data-for=node]:has-text('no node named')")
    assert api.get(f"{checks}{check.json()['id']}/", timeout=10).json()["node"] == "pc2"


def test_the_project_list_shows_created_whole_and_actions_on_one_line(stack, api, logged_in, cleanup_projects):
    project = api.post(f"{stack.base_url}/api/projects/", json={"name": f"e2e-list-{uuid.uuid4().hex[:6]}"},
                       timeout=10).json()
    cleanup_projects.append(project["id"])
    page = logged_in()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{stack.base_url}/")
    row = f'tr[data-project-id="{project["id"]}"]'
    page.wait_for_selector(row)
    layout = page.evaluate("""(row) => {
      const tr = document.querySelector(row);
      const created = tr.querySelector('.created-cell');
      const tops = [...tr.querySelectorAll('.row-actions > a, .row-actions > button')]
        .map((el) => el.getBoundingClientRect().top);
      return { cut: created.scrollWidth - created.clientWidth, lines: new Set(tops).size, buttons: tops.length,
               page: document.documentElement.scrollWidth - window.innerWidth };
    }""", row)
    assert layout["cut"] <= 0 and layout["lines"] == 1 and layout["buttons"] == 5 and layout["page"] <= 0, layout
