"""End-to-end, the warm pool in the app: the teacher prepares a seat on the course page and sees it
prepared and paused (and Docker agrees), then the student's Start claims that very copy, which runs
and answers in its console."""

import uuid

import docker
import pytest

from tests.e2e.course_page import busybox_lab, login_as, make_person, ok, open_course
from tests.e2e.editor_page import node_screen_position, type_in_terminal, wait_canvas_status, wait_terminal_text
from tests.e2e.test_courses import course_with_teacher  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e


def test_teacher_prepares_a_seat_and_the_students_start_claims_it(stack, api, new_page, course_with_teacher,  # noqa: F811
                                                                   cleanup_projects):
    base = stack.base_url
    course, teacher = course_with_teacher()
    lab = busybox_lab(stack, teacher, f"e2e-pool-{uuid.uuid4().hex[:6]}", ("pc1",))
    cleanup_projects.append(lab["id"])
    assignment = ok(teacher.api.post(f"{base}/api/courses/{course['id']}/assignments/", timeout=10,
                                     json={"title": "Warm lab", "source": lab["id"], "published": True}))
    student = make_person(stack, api, "student")
    ok(teacher.api.post(f"{base}/api/courses/{course['id']}/students/", timeout=10,
                        json={"username": student.username, "email": f"{student.username}@example.org"}), 201)

    # The teacher prepares one seat in the assignment's editor and follows the pool until it is paused.
    page = new_page()
    login_as(page, base, teacher.username, teacher.password)
    open_course(page, base, course["id"])
    row = page.wait_for_selector("#assignment-rows tr:has-text('Warm lab')")
    row.query_selector("button.edit-assignment").click()
    form = page.wait_for_selector(".assignment-editor .pool-form")
    form.query_selector("input[name=seats]").fill("1")
    form.query_selector("button[type=submit]").click()
    page.wait_for_selector(".pool-state:has-text('1 of 1 prepared copies ready (paused), 0 claimed')",
                           timeout=90_000)
    pool = ok(teacher.api.get(f"{base}/api/courses/{course['id']}/assignments/{assignment['id']}/pool/",
                              timeout=10), 200)
    assert (pool["prepared"], pool["paused"], pool["nodes"]) == (1, 1, 1)
    # Until claimed, the prepared copy is the teacher's ("Warm lab (seat …)"), frozen by Docker.
    projects = ok(teacher.api.get(f"{base}/api/projects/", timeout=10), 200)
    projects = projects["results"] if isinstance(projects, dict) else projects
    (prepared_project,) = [p["id"] for p in projects if p["name"].startswith("Warm lab (seat ")]
    cleanup_projects.append(prepared_project)  # the course's deletion removes it first; this is a net
    client = docker.from_env()
    try:
        (paused,) = client.api.containers(all=True, filters={"label": f"webgns.project={prepared_project}"})
        assert paused["State"] == "paused"

        # The student's Start claims that copy; it runs and its console answers.
        student_page = new_page()
        login_as(student_page, base, student.username, student.password)
        open_course(student_page, base, course["id"])
        card = student_page.wait_for_selector(".assignment-card:has-text('Warm lab')")
        card.query_selector("button.start-button").click()
        student_page.wait_for_function("(el) => el.textContent === 'running'",
                                       arg=card.query_selector(".copy-state"), timeout=30_000)
        card.query_selector("a.open-copy").click()
        student_page.wait_for_url(f"**/projects/{prepared_project}/")
        wait_canvas_status(student_page, ["pc1"], "started", timeout=30)
        assert client.api.inspect_container(paused["Id"])["State"]["Paused"] is False
        student_page.mouse.dblclick(**node_screen_position(student_page, "pc1"))
        node_id = student_page.evaluate(
            "() => [...window.webgns.store.nodes.values()].find((n) => n.name === 'pc1').id")
        student_page.wait_for_selector(f'.terminal-pane[data-node-id="{node_id}"] .xterm-screen')
        wait_terminal_text(student_page, node_id, "#")  # busybox's root prompt: the shell is there
        type_in_terminal(student_page, node_id, "echo warm-$((20+1))")
        wait_terminal_text(student_page, node_id, "warm-21")
    finally:
        client.close()
    assert ok(teacher.api.get(f"{base}/api/courses/{course['id']}/assignments/{assignment['id']}/pool/",
                              timeout=10), 200)["claimed"] == 1
