/**
 * An assignment's instructions and due date as a block of the page. The HTML comes from the API
 * (`instructions_html`), rendered server-side by markdown-it with raw HTML disabled and unsafe link schemes
 * refused (webgns/classrooms/instructions.py), so it is inserted as it is.
 */

import { h } from "../lib/dom-builder.js";
import { dueText } from "./check-summary.js";

export function instructionsView(assignment) {
  const body = h("div", { className: "instructions-body" });
  body.innerHTML = assignment.instructions_html || "";
  const due = dueText(assignment.due);
  return h(
    "div",
    { className: "instructions" },
    due ? h("p", { className: "due muted" }, due) : null,
    assignment.instructions_html ? body : h("p", { className: "muted" }, "No instructions."),
  );
}
