"""What a class hits with Start and Reset (issue 29, items 3 and 4): real Chromium, Daphne, worker, containers.

- Start on a running lab is a no-op that succeeds: the student page's Start on a running copy says
  "running" (no "could not start", said once or twice), the editor's "Start all" on a running lab
  shows no error; both buttons are greyed while their operation is under way.
- After a teacher's reset, a student's open console follows its node: one line says the lab was
  reset, and it reconnects once to the new node when that runs (no loop between "reconnecting" and
  "console closed"); the reset banner leaves the terminal tabs' close buttons clickable.
"""

import uuid

import pytest

from tests.e2e.course_page import busybox_lab, login_as, make_person, ok, open_course
from tests.e2e.editor_page import (
    node_named,
    node_screen_position,
    terminal_text,
    type_in_terminal,
    wait_canvas_status,
    wait_terminal_text,
)

pytestmark = pytest.mark.e2e

# Clicks a button and says whether it was greyed at once (read in the same task as the click: no race).
CLICK_AND_READ_DISABLED = "(el) => { el.click(); return el.disabled; }"


@pytest.fixture
def class_with_copy(stack, api, new_page, cleanup_projects):
    """A course with a published one-node lab (pc1, a startup line that fails when run twice) and a
    student whose page has started their copy; yields (student_page, card, course, teacher)."""
    base = stack.base_url
    teacher = make_person(stack, api, "teacher")
    course = ok(api.post(f"{base}/api/courses/", timeout=10,
                         json={"name": f"Networks {uuid.uuid4().hex[:4]}", "teachers": [teacher.username]}))
    lab = busybox_lab(stack, teacher, f"e2e-lab-{uuid.uuid4().hex[:6]}")
    cleanup_projects.append(lab["id"])
    pc1 = teacher.api.get(f"{base}/api/projects/{lab['id']}/nodes/", timeout=10).json()[0]
    ok(teacher.api.patch(f"{base}/api/projects/{lab['id']}/nodes/{pc1['id']}/", timeout=10,
                         json={"startup": ["ip addr add 10.0.0.1/24 dev lo"]}), status=200)
    ok(teacher.api.post(f"{base}/api/courses/{course['id']}/assignments/", timeout=10,
                        json={"title": "Lab 1", "source": lab["id"], "published": True}))
    student = make_person(stack, api, "student")
    ok(teacher.api.post(f"{base}/api/courses/{course['id']}/students/", timeout=10,
                        json={"username": student.username, "email": f"{student.username}@example.org"}))
    page = new_page()
    login_as(page, base, student.username, student.password)
    open_course(page, base, course["id"])
    card = page.wait_for_selector(".assignment-card:has-text('Lab 1')")
    button = card.query_selector("button.start-button")
    assert button.evaluate(CLICK_AND_READ_DISABLED), "Start is greyed while its operation is under way"
    page.wait_for_function("(el) => el.textContent === 'running'", arg=card.query_selector(".copy-state"),
                           timeout=60_000)
    yield page, card, course, teacher
    api.delete(f"{base}/api/courses/{course['id']}/", timeout=60)


def test_start_on_a_running_copy_and_lab_succeeds(stack, class_with_copy):
    page, card, _course, _teacher = class_with_copy
    button = card.query_selector("button.start-button")
    page.wait_for_function("(el) => !el.disabled", arg=button)

    # The student presses Start again on their running copy: it stays running, no refusal.
    assert button.evaluate(CLICK_AND_READ_DISABLED)
    page.wait_for_function("(el) => !el.disabled", arg=button, timeout=60_000)
    assert card.query_selector(".copy-state").text_content() == "running"
    assert card.query_selector(".start-error").text_content() == ""

    # "Start all" in the editor on the running lab: greyed while it runs, and no error.
    card.query_selector("a.open-copy").click()
    page.wait_for_url("**/projects/*/")
    page.wait_for_function("window.webgns && window.webgns.store.project !== null")
    wait_canvas_status(page, ["pc1"], "started", timeout=30)
    start_all = page.query_selector("#btn-start-all")
    assert start_all.evaluate(CLICK_AND_READ_DISABLED), "Start all is greyed while its operation is under way"
    page.wait_for_function("(el) => !el.disabled", arg=start_all, timeout=60_000)
    assert page.query_selector_all("#notices .notice-error") == [], page.inner_text("#notices")
    wait_canvas_status(page, ["pc1"], "started")


def test_an_open_console_follows_its_node_through_a_reset(stack, class_with_copy):
    base = stack.base_url
    page, card, course, teacher = class_with_copy
    card.query_selector("a.open-copy").click()
    page.wait_for_url("**/projects/*/")
    page.wait_for_function("window.webgns && window.webgns.store.project !== null")
    wait_canvas_status(page, ["pc1"], "started", timeout=30)
    old = node_named(page, "pc1")["id"]
    page.mouse.dblclick(**node_screen_position(page, "pc1"))
    page.wait_for_selector(f'.terminal-pane[data-node-id="{old}"] .xterm-screen')
    page.wait_for_timeout(500)  # the shell prints its prompt once the exec stream is up
    type_in_terminal(page, old, "echo before-$((6*7))")
    wait_terminal_text(page, old, "before-42")

    (copy,) = teacher.api.get(f"{base}/api/courses/{course['id']}/copies/", timeout=10).json()
    ok(teacher.api.post(f"{base}/api/courses/{course['id']}/copies/{copy['id']}/reset/", timeout=30), status=200)
    page.wait_for_selector("#reset-banner:has-text('Your teacher reset this lab')")
    page.wait_for_function(
        "(old) => [...window.webgns.store.nodes.values()].some((n) => n.name === 'pc1' && n.id !== old)", arg=old
    )
    new = node_named(page, "pc1")["id"]
    pane = f'.terminal-pane[data-node-id="{new}"]'
    page.wait_for_selector(pane)
    wait_terminal_text(page, new, "the lab was reset")

    # The reset lab is stopped; once the student starts it, the console reconnects to the new pc1, once.
    page.click("#btn-start-all")
    wait_canvas_status(page, ["pc1"], "started", timeout=60)
    wait_terminal_text(page, new, "node started: reconnecting")
    page.wait_for_timeout(500)
    type_in_terminal(page, new, "echo after-$((6*7))")
    wait_terminal_text(page, new, "after-42")
    type_in_terminal(page, new, "echo still-$((6*7))")
    text = wait_terminal_text(page, new, "still-42")
    assert text.count("the lab was reset") == 1, text
    after_reset = text.split("the lab was reset", 1)[1]
    assert after_reset.count("reconnecting") == 1, text
    assert after_reset.count("console closed") == 0, text

    # The banner is still up and covers no tab: the close button takes the click.
    assert page.is_visible("#reset-banner")
    banner = page.query_selector("#reset-banner").bounding_box()
    tabs = page.query_selector(".terminal-tabs").bounding_box()
    overlap = (banner["x"] < tabs["x"] + tabs["width"] and tabs["x"] < banner["x"] + banner["width"]
               and banner["y"] < tabs["y"] + tabs["height"] and tabs["y"] < banner["y"] + banner["height"])
    assert not overlap, f"the reset banner {banner} covers the terminal tabs {tabs}"
    page.click(f'.terminal-tab[data-node-id="{new}"] .terminal-tab-close', timeout=5_000)
    page.wait_for_selector(pane, state="detached")
    assert "reconnecting" not in terminal_text(page, new)
