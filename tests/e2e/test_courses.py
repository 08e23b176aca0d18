"""End-to-end tests of the course pages: real Chromium, real Daphne, real worker, real containers.

A teacher publishes a one-node lab and enrolls a student from the page; the student, in a second
browser, starts their copy and reaches it in the editor; the teacher's table follows its status
live, watches the student's console read-only, takes it over, stops all, resets and deletes all.
Refusals (a roster's bad line, a lab with no nodes, a quota, a course one is not in) are shown on
the page.
"""

import uuid

import pytest

from tests.e2e.course_page import (
    busybox_lab,
    copy_row,
    login_as,
    make_person,
    ok,
    open_course,
    wait_copy_status,
)
from tests.e2e.editor_page import node_screen_position, type_in_terminal, wait_canvas_status, wait_terminal_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def course_with_teacher(stack, api, cleanup_projects):
    """course_with_teacher(**course_fields) -> (course, teacher); the course (and with it every copy) is
    deleted at teardown, before the teacher's projects (an assignment's original cannot go first)."""
    courses = []

    def make(**fields):
        teacher = make_person(stack, api, "teacher")
        body = {"name": f"Networks {uuid.uuid4().hex[:4]}", "teachers": [teacher.username], **fields}
        course = ok(api.post(f"{stack.base_url}/api/courses/", json=body, timeout=10))
        courses.append(course)
        return course, teacher

    yield make
    for course in courses:
        api.delete(f"{stack.base_url}/api/courses/{course['id']}/", timeout=60)


def test_teacher_publishes_student_starts_and_teacher_follows_watches_takes_over_stops_resets(
    stack, api, new_page, course_with_teacher, cleanup_projects
):
    base = stack.base_url
    course, teacher = course_with_teacher()
    lab = busybox_lab(stack, teacher, f"e2e-lab-{uuid.uuid4().hex[:6]}")
    cleanup_projects.append(lab["id"])

    # The teacher lands on their course after login, publishes the lab and enrolls a student.
    page = new_page()
    login_as(page, base, teacher.username, teacher.password)
    page.wait_for_url(f"{base}/courses/{course['id']}/")
    page.wait_for_selector("#teacher-view:not([hidden])")
    page.wait_for_selector(f'#publish-form select[name=source] option[value="{lab["id"]}"]', state="attached")
    page.select_option("#publish-form select[name=source]", lab["id"])
    page.fill("#publish-form input[name=title]", "Lab 1: one busybox")
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector("#assignment-rows tr:has-text('Lab 1: one busybox')")
    student_name = f"student-{uuid.uuid4().hex[:6]}"
    page.fill("#add-student-form input[name=username]", student_name)
    page.fill("#add-student-form input[name=email]", f"{student_name}@example.org")
    page.click("#add-student-form button[type=submit]")
    password = page.wait_for_selector(f'#password-rows tr[data-username="{student_name}"] .password').text_content()
    page.wait_for_selector(f'#student-rows tr[data-username="{student_name}"]')

    # The student, in a browser of their own, starts the assignment and opens their copy.
    student_page = new_page()
    login_as(student_page, base, student_name, password)
    open_course(student_page, base, course["id"])
    card = student_page.wait_for_selector(".assignment-card:has-text('Lab 1: one busybox')")
    assert card.query_selector(".copy-state").text_content() == "not started yet"
    card.query_selector("button.start-button").click()
    student_page.wait_for_function(
        "(el) => el.textContent === 'running'", arg=card.query_selector(".copy-state"), timeout=60_000
    )
    assert card.query_selector(".start-error").text_content() == ""
    card.query_selector("a.open-copy").click()
    student_page.wait_for_url("**/projects/*/")
    copy_project = student_page.url.rstrip("/").rsplit("/", 1)[-1]
    assert copy_project != lab["id"]
    student_page.wait_for_function("window.webgns && window.webgns.store.project !== null")
    wait_canvas_status(student_page, ["pc1"], "started", timeout=30)

    # The teacher's table shows the copy running, live.
    wait_copy_status(page, student_name, "started", timeout=30)
    row = page.query_selector(copy_row(student_name))
    assert row.get_attribute("data-project-id") == copy_project
    assert row.query_selector("a:text('Open editor')").get_attribute("href") == f"/projects/{copy_project}/"

    # The teacher watches pc1 read-only while the student types in their own terminal.
    node_id = page.get_attribute(f'{copy_row(student_name)} .node-chip[data-node-name="pc1"]', "data-node-id")
    page.click(f'{copy_row(student_name)} .node-chip[data-node-name="pc1"] .watch-button')
    tab = page.wait_for_selector(f'.terminal-tab[data-node-id="{node_id}"][data-mode="watch"]')
    assert tab.query_selector(".terminal-mode").text_content() == "watching (read-only)"
    wait_terminal_text(page, node_id, "watching (read-only)")
    student_page.mouse.dblclick(**node_screen_position(student_page, "pc1"))
    student_page.wait_for_selector(f'.terminal-pane[data-node-id="{node_id}"] .xterm-screen')
    student_page.wait_for_timeout(500)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(student_page, node_id, "echo watched-$((40+2))")
    wait_terminal_text(page, node_id, "watched-42")
    # Typing into the watch pane sends nothing: the student's shell never sees it.
    page.click(f'.terminal-pane[data-node-id="{node_id}"] .xterm-screen')
    page.keyboard.type("echo from-the-watcher", delay=5)
    page.keyboard.press("Enter")
    type_in_terminal(student_page, node_id, "echo still-$((6*7))")
    text = wait_terminal_text(page, node_id, "still-42")
    assert "from-the-watcher" not in text
    page.wait_for_selector("#audit-rows tr[data-action=console]:has-text('(watch)')", timeout=35_000)

    # Take over: the watch tab becomes the student's own terminal, shared; the student is told.
    page.click(f'{copy_row(student_name)} .node-chip[data-node-name="pc1"] .takeover-button')
    page.wait_for_selector(f'.terminal-tab[data-node-id="{node_id}"][data-mode="takeover"]')
    assert page.query_selector(f'.terminal-tab[data-node-id="{node_id}"][data-mode="watch"]') is None
    wait_terminal_text(page, node_id, "still-42")  # the session's history comes first
    student_page.wait_for_selector(f'.terminal-pane[data-node-id="{node_id}"] .typists-banner:not([hidden])')
    type_in_terminal(page, node_id, "echo teacher-$((6*7)) | tee /tmp/help")
    wait_terminal_text(page, node_id, "teacher-42")
    wait_terminal_text(student_page, node_id, "teacher-42")  # typed in the student's own shell
    type_in_terminal(student_page, node_id, "cat /tmp/help")
    wait_terminal_text(page, node_id, "cat /tmp/help")

    # Stop all (confirmed): the copy goes to stopped, and the consoles end with the node.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#btn-stop-all")
    wait_copy_status(page, student_name, "stopped", timeout=30)
    wait_terminal_text(page, node_id, "console closed", timeout=15)

    # Reset (confirmed): the copy is rebuilt from the original under the same address; the student's
    # open editor says so and reloads.
    page.click(f"{copy_row(student_name)} .reset-button")
    page.wait_for_selector("#audit-rows tr[data-action=reset]")
    wait_copy_status(page, student_name, "stopped")
    assert page.get_attribute(copy_row(student_name), "data-project-id") == copy_project
    assert api.get(f"{base}/api/projects/{copy_project}/", timeout=10).status_code == 200
    student_page.wait_for_selector("#reset-banner:has-text('Your teacher reset this lab')")
    student_page.wait_for_function(
        "(old) => [...window.webgns.store.nodes.values()].some((n) => n.name === 'pc1' && n.id !== old)", arg=node_id
    )

    # Delete all labs (confirmed): the table empties; the student may start afresh.
    fresh_project = page.get_attribute(copy_row(student_name), "data-project-id")
    page.click("#btn-delete-all")
    page.wait_for_selector(copy_row(student_name), state="detached")
    assert page.is_visible("#no-copies")
    assert api.get(f"{base}/api/projects/{fresh_project}/", timeout=10).status_code == 404


def test_roster_import_and_publish_refusals_are_shown(stack, api, new_page, course_with_teacher, cleanup_projects):
    base = stack.base_url
    course, teacher = course_with_teacher()
    empty = ok(teacher.api.post(f"{base}/api/projects/", json={"name": f"e2e-empty-{uuid.uuid4().hex[:6]}"},
                                timeout=10))
    cleanup_projects.append(empty["id"])
    page = new_page()
    login_as(page, base, teacher.username, teacher.password)
    open_course(page, base, course["id"])

    # A roster with one good line and one bad: the good one is enrolled (password shown), the bad one named.
    good = f"good-{uuid.uuid4().hex[:6]}"
    page.fill("#import-form textarea[name=csv]", f"username,email\n{good},{good}@example.org\nbad-one,not-an-email\n")
    page.click("#import-form button[type=submit]")
    error = page.wait_for_selector('#import-result li[data-line="3"]')
    assert error.text_content() == "line 3 (bad-one,not-an-email): email 'not-an-email' is not a valid address."
    assert page.text_content("#import-result .import-summary") == "1 new account, 1 line refused"
    assert page.text_content(f'#password-rows tr[data-username="{good}"] .password').strip()
    page.wait_for_selector(f'#student-rows tr[data-username="{good}"]')
    assert page.query_selector('#student-rows tr[data-username="bad-one"]') is None

    # Nothing to import: said under the form, no request needed.
    page.click("#import-form button[type=submit]")
    nothing = page.wait_for_selector("#import-form .field-error[data-for=csv]:not(:empty)").text_content()
    assert "Paste username,email lines" in nothing

    # A username the server refuses: its message under the username input.
    page.fill("#add-student-form input[name=username]", "no spaces please")
    page.fill("#add-student-form input[name=email]", "x@example.org")
    page.click("#add-student-form button[type=submit]")
    refusal = page.wait_for_selector("#add-student-form .field-error[data-for=username]:not(:empty)").text_content()
    assert "no spaces please" in refusal

    # Publishing a project with no nodes is refused under the project picker.
    page.wait_for_selector(f'#publish-form select[name=source] option[value="{empty["id"]}"]', state="attached")
    page.select_option("#publish-form select[name=source]", empty["id"])
    page.fill("#publish-form input[name=title]", "Empty lab")
    page.click("#publish-form button[type=submit]")
    refusal = page.wait_for_selector("#publish-form .field-error[data-for=source]:not(:empty)").text_content()
    assert "has no nodes" in refusal
    assert page.query_selector("#assignment-rows tr") is None


def test_a_student_sees_a_quota_refusal_and_not_other_courses(stack, api, new_page, course_with_teacher,
                                                             cleanup_projects):
    base = stack.base_url
    course, teacher = course_with_teacher(student_node_limit=1)
    other_course, _ = course_with_teacher()
    lab = busybox_lab(stack, teacher, f"e2e-two-{uuid.uuid4().hex[:6]}", ("pc1", "pc2"))
    cleanup_projects.append(lab["id"])
    ok(teacher.api.post(f"{base}/api/courses/{course['id']}/assignments/", timeout=10,
                        json={"title": "Too big", "source": lab["id"], "published": True}))
    student = make_person(stack, api, "student")
    ok(teacher.api.post(f"{base}/api/courses/{course['id']}/students/", timeout=10,
                        json={"username": student.username, "email": f"{student.username}@example.org"}), 201)

    page = new_page()
    login_as(page, base, student.username, student.password)
    open_course(page, base, course["id"])
    assert page.is_hidden("#teacher-view")
    card = page.wait_for_selector(".assignment-card:has-text('Too big')")
    card.query_selector("button.start-button").click()
    refusal = page.wait_for_selector(".assignment-card .start-error:not(:empty)").text_content()
    assert refusal == "starting this lab would run 2 nodes; your limit is 1."
    assert card.query_selector("a.open-copy").is_hidden()
    copies = ok(teacher.api.get(f"{base}/api/courses/{course['id']}/copies/", timeout=10), 200)
    assert copies == []

    # A course the student is not in reads as not there at all.
    page.goto(f"{base}/courses/{other_course['id']}/")
    message = page.wait_for_selector("#page-error:not(:empty)").text_content()
    assert message == "This course does not exist, or you are not in it."
    assert page.is_hidden("#student-view") and page.is_hidden("#teacher-view")
