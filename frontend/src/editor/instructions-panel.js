/**
 * The editor's instructions panel: when the open lab is a student's copy of an assignment (or a teacher's
 * original), a collapsible panel beside the canvas shows the assignment's instructions, its due date and, on a
 * copy, "Check my work" with each check's result and hint. The panel sits at the top of the side column, over the
 * details of the selection (never over the canvas, the terminals or the node panel); its header collapses it to
 * one line, and the choice is remembered.
 *
 * Division of labour: this module asks the API what assignment the project belongs to and builds the panel; the
 * editor only calls `mountInstructions` once. A project that is no assignment's (404) gets no panel.
 */

import "../styles/instructions.css";

import { h } from "../lib/dom-builder.js";
import { CheckResults } from "../courses/check-results.js";
import { instructionsView } from "../courses/instructions-view.js";

const COLLAPSED_KEY = "webgns.instructions.collapsed";

export async function mountInstructions(api, projectId, parent = document.body) {
  let info;
  try {
    info = await api.get(`/assignment-for-project/${projectId}/`);
  } catch {
    return null; // not an assignment's lab, or not visible: no panel
  }
  const { assignment, course, copy } = info;
  const chevron = h("span", { className: "instructions-chevron", "aria-hidden": "true" }, "▾");
  const word = h("span", { className: "instructions-toggle-word" }, "hide");
  const toggle = h(
    "button",
    { type: "button", className: "instructions-toggle", "aria-expanded": "true", "aria-controls": "instructions-panel-body" },
    chevron,
    h("span", { className: "instructions-title" }, "Instructions"),
    word,
  );
  const body = h(
    "div",
    { className: "instructions-panel-body", id: "instructions-panel-body" },
    h("p", { className: "muted" }, h("a", { href: `/courses/${course.id}/` }, course.name), ` · ${assignment.title}`),
    instructionsView(assignment),
  );
  if (copy && assignment.checks) {
    const checks = new CheckResults(api, { courseId: course.id, copyId: copy });
    body.append(checks.el);
    checks.load();
  }
  const panel = h("aside", { id: "instructions-panel", className: "instructions-panel", "aria-label": "instructions" }, toggle, body);
  const setCollapsed = (collapsed) => {
    panel.classList.toggle("collapsed", collapsed);
    toggle.setAttribute("aria-expanded", String(!collapsed));
    toggle.title = collapsed ? "Show the instructions" : "Hide the instructions (the choice is remembered)";
    chevron.textContent = collapsed ? "▸" : "▾";
    word.textContent = collapsed ? "show" : "hide";
    body.hidden = collapsed;
    try {
      window.localStorage.setItem(COLLAPSED_KEY, collapsed ? "1" : "");
    } catch {
      /* private mode: the choice is not remembered */
    }
  };
  toggle.addEventListener("click", () => setCollapsed(!panel.classList.contains("collapsed")));
  let remembered = false;
  try {
    remembered = window.localStorage.getItem(COLLAPSED_KEY) === "1";
  } catch {
    remembered = false;
  }
  setCollapsed(remembered);
  parent.prepend(panel);
  return panel;
}
