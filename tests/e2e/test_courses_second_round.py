"""End-to-end, a class run entirely in the app (real Chromium, Daphne, worker, containers).

Staff create a teacher on the people page and a course on the course list; the teacher (landing on
the course at login) publishes a two-node lab, writes its instructions, adds a check "h1 reaches
10.0.0.2" and enrolls a student; the student reads the instructions, starts the lab, fails the
check and sees its hint, fixes h2's address in the editor's terminal, passes the check beside the
lab; the teacher's grid shows both runs and exports them as CSV.
"""

import uuid

import pytest

from tests.e2e.course_page import Person, busybox_lab, login_as, ok
from tests.e2e.editor_page import node_screen_position, type_in_terminal, wait_canvas_status, wait_terminal_text

pytestmark = pytest.mark.e2e


def test_staff_teacher_and_student_run_a_checked_lab(stack, api, new_page, cleanup_projects):
    import requests

    base = stack.base_url
    tag = uuid.uuid4().hex[:6]

    # Staff make the teacher's account on the people page, then the course on the course list.
    staff = new_page()
    login_as(staff, base, stack.username, stack.password)
    staff.goto(f"{base}/people/")
    teacher_name = f"teacher-{tag}"
    staff.fill("#new-user-form input[name=username]", teacher_name)
    staff.fill("#new-user-form input[name=email]", f"{teacher_name}@example.org")
    staff.click("#new-user-form button[type=submit]")
    issued = staff.wait_for_selector(f'#issued-rows tr[data-username="{teacher_name}"] .password')
    teacher_password = issued.text_content()
    staff.goto(f"{base}/courses/")
    staff.wait_for_selector("#new-course-form:not([hidden])")
    staff.fill("#new-course-form input[name=name]", f"Routing {tag}")
    staff.fill("#new-course-form input[name=teachers]", teacher_name)
    staff.click("#new-course-form button[type=submit]")
    staff.wait_for_url(f"{base}/courses/*/")
    course_id = staff.url.rstrip("/").rsplit("/", 1)[-1]

    teacher_api = requests.Session()
    token = ok(requests.post(f"{base}/api/auth/token/", json={"username": teacher_name, "password": teacher_password},
                             timeout=10), 200)["token"]
    teacher_api.headers["Authorization"] = f"Token {token}"
    try:
        _run_the_class(stack, new_page, cleanup_projects, course_id, teacher_name, teacher_password, teacher_api, tag)
    finally:
        api.delete(f"{base}/api/courses/{course_id}/", timeout=60)


def _run_the_class(stack, new_page, cleanup_projects, course_id, teacher_name, teacher_password, teacher_api, tag):
    base = stack.base_url
    lab = busybox_lab(stack, Person(teacher_name, teacher_password, teacher_api), f"e2e-checked-{tag}", ("h1", "h2"))
    cleanup_projects.append(lab["id"])
    nodes = teacher_api.get(f"{base}/api/projects/{lab['id']}/nodes/", timeout=10).json()
    nodes = nodes["results"] if isinstance(nodes, dict) else nodes
    h1 = next(n for n in nodes if n["name"] == "h1")
    ok(teacher_api.patch(f"{base}/api/projects/{lab['id']}/nodes/{h1['id']}/", timeout=10,
                         json={"startup": "ip addr add 10.0.0.1/24 dev eth0"}), 200)
    h2 = next(n for n in nodes if n["name"] == "h2")
    ok(teacher_api.post(f"{base}/api/projects/{lab['id']}/links/", timeout=10,
                        json={"a": {"node": h1["id"]}, "b": {"node": h2["id"]}}))

    # The teacher lands on the course, publishes the lab, writes instructions and a check, enrolls a student.
    page = new_page()
    login_as(page, base, teacher_name, teacher_password)
    page.wait_for_url(f"{base}/courses/{course_id}/")
    page.wait_for_selector(f'#publish-form select[name=source] option[value="{lab["id"]}"]', state="attached")
    page.select_option("#publish-form select[name=source]", lab["id"])
    page.fill("#publish-form input[name=title]", "Lab 2: addresses")
    page.click("#publish-form button[type=submit]")
    row = page.wait_for_selector("#assignment-rows tr:has-text('Lab 2: addresses')")
    row.query_selector("button.edit-assignment").click()
    editor = page.wait_for_selector(".assignment-editor")
    editor.query_selector("textarea[name=instructions]").fill("## Your task\nGive **h2** the address `10.0.0.2/24`.")
    editor.query_selector(".instructions-form button[type=submit]").click()
    page.wait_for_selector(".instructions-form .form-ok:has-text('Saved.')")
    form = editor.query_selector(".check-form")
    form.query_selector("input[name=name]").fill("h1 reaches 10.0.0.2")
    form.query_selector("select[name=kind]").select_option("reaches")
    form.query_selector("input[name=node]").fill("h1")
    form.query_selector("input[name=target]").fill("10.0.0.2")
    form.query_selector("input[name=hint]").fill("Give h2 the address 10.0.0.2/24 on eth0.")
    form.query_selector("button[type=submit]").click()
    page.wait_for_selector(".checks-editor tr:has-text('h1 reaches 10.0.0.2')")
    student_name = f"student-{tag}"
    page.fill("#add-student-form input[name=username]", student_name)
    page.fill("#add-student-form input[name=email]", f"{student_name}@example.org")
    page.click("#add-student-form button[type=submit]")
    password = page.wait_for_selector(f'#password-rows tr[data-username="{student_name}"] .password').text_content()

    # The student lands on the course, reads the instructions, starts the lab and fails the check.
    student = new_page()
    login_as(student, base, student_name, password)
    student.wait_for_url(f"{base}/courses/{course_id}/")
    card = student.wait_for_selector(".assignment-card:has-text('Lab 2: addresses')")
    assert card.query_selector(".instructions-body h2").text_content() == "Your task"
    assert card.query_selector(".instructions-body strong").text_content() == "h2"
    card.query_selector("button.start-button").click()
    student.wait_for_function("(el) => el.textContent === 'running'", arg=card.query_selector(".copy-state"),
                              timeout=60_000)
    card.query_selector("button.check-button").click()
    failed = student.wait_for_selector(".assignment-card .check-item.check-failed", timeout=60_000)
    assert "Give h2 the address 10.0.0.2/24 on eth0." in failed.query_selector(".check-hint").text_content()

    # In the editor, beside the lab: the instructions; the student fixes h2 in its terminal and checks again.
    card.query_selector("a.open-copy").click()
    student.wait_for_url("**/projects/*/")
    panel = student.wait_for_selector("#instructions-panel")
    if panel.query_selector(".instructions-panel-body[hidden]"):
        panel.query_selector(".instructions-toggle").click()
    assert "Your task" in panel.query_selector(".instructions-body").text_content()
    wait_canvas_status(student, ["h1", "h2"], "started", timeout=30)
    student.mouse.dblclick(**node_screen_position(student, "h2"))
    h2_id = student.evaluate("() => [...window.webgns.store.nodes.values()].find((n) => n.name === 'h2').id")
    student.wait_for_selector(f'.terminal-pane[data-node-id="{h2_id}"] .xterm-screen')
    student.wait_for_timeout(500)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(student, h2_id, "ip addr add 10.0.0.2/24 dev eth0 && echo fixed-$((1+1))")
    wait_terminal_text(student, h2_id, "fixed-2")
    panel.query_selector("button.check-button").click()
    student.wait_for_selector("#instructions-panel .check-item.check-passed", timeout=60_000)
    assert student.query_selector("#instructions-panel .check-state").text_content() == "all 1 checks pass"

    # The teacher's grid: the student passed on the second run; both runs are kept; the CSV says so.
    page.reload()
    page.wait_for_selector("#grades-assignment option", state="attached")
    cell = page.wait_for_selector(f'#grades-table tr[data-student="{student_name}"] td[data-status="passed"]')
    assert cell.get_attribute("data-runs") == "2"
    assert "✗" in cell.get_attribute("title") and "✓" in cell.get_attribute("title")
    csv_url = page.get_attribute("#btn-grades-csv", "href")
    lines = teacher_api.get(f"{base}{csv_url}", timeout=10).text.splitlines()
    assert lines[0].startswith("student,h1 reaches 10.0.0.2,passed,total,runs")
    assert lines[1].startswith(f"{student_name},pass,1,1,2,")
