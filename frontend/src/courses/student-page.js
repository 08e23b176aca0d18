/**
 * The student's course page: the published assignments, each with Start (which makes the student's private copy
 * on first use and starts it) and, once a copy exists, a link to it in the editor. Progress and refusals (a
 * quota, a start already refused) are shown on the assignment's own row.
 *
 * Division of labour: requests and DOM here; the words for progress and refusals are start-progress.js.
 */

import { h } from "../lib/dom-builder.js";
import { CheckResults } from "./check-results.js";
import { instructionsView } from "./instructions-view.js";
import { copyStateText, finished, progressText, startRefusal } from "./start-progress.js";

const $ = (id) => document.getElementById(id);
const PROGRESS_POLL_MS = 1000;
const editorUrl = (projectId) => `/projects/${projectId}/`;

class AssignmentRow {
  constructor(api, course, assignment) {
    this.api = api;
    this.course = course;
    this.assignment = assignment;
    this.state = h("span", { className: "copy-state muted" }, copyStateText(assignment.my_copy));
    this.startButton = h("button", { type: "button", className: "primary start-button", onclick: () => this.start() }, "Start");
    this.openLink = h("a", { className: "button open-copy", hidden: !assignment.my_copy }, "Open my lab");
    if (assignment.my_copy) this.openLink.href = editorUrl(assignment.my_copy.project);
    this.error = h("div", { className: "field-error start-error", role: "alert" });
    this.checksSlot = h("div", { className: "checks-slot" });
    this.el = h(
      "div",
      { className: "assignment-card", dataset: { assignmentId: assignment.id } },
      h("h3", {}, assignment.title),
      instructionsView(assignment),
      h("div", { className: "row-actions" }, this.startButton, this.openLink, this.state),
      this.error,
      this.checksSlot,
    );
    if (assignment.my_copy) this.showChecks(assignment.my_copy.id);
  }

  /** "Check my work" once the student has a copy and the assignment has checks. */
  showChecks(copyId) {
    if (!this.assignment.checks || this.checks) return;
    this.checks = new CheckResults(this.api, { courseId: this.course.id, copyId });
    this.checksSlot.replaceChildren(this.checks.el);
    this.checks.load();
  }

  async start() {
    this.error.textContent = "";
    this.startButton.disabled = true;
    this.state.textContent = "preparing your copy…";
    try {
      const answer = await this.api.post(`/courses/${this.course.id}/assignments/${this.assignment.id}/start/`);
      this.openLink.href = editorUrl(answer.copy.project);
      this.openLink.hidden = false;
      this.showChecks(answer.copy.id);
      await this.follow(answer.operation);
    } catch (error) {
      this.error.textContent = startRefusal(error);
      this.state.textContent = copyStateText(this.assignment.my_copy);
    } finally {
      this.startButton.disabled = false;
    }
  }

  /** Follows the start operation until it is done or failed; a failure is shown as this row's error. */
  async follow(operationId) {
    for (;;) {
      const operation = await this.api.get(`/operations/${operationId}/`);
      if (finished(operation) && operation.status === "error") {
        // Said once, as the row's error: the state beside the button would only repeat it.
        this.state.textContent = "";
        this.error.textContent = progressText(operation);
        return;
      }
      this.state.textContent = progressText(operation);
      if (finished(operation)) return;
      await new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS));
    }
  }
}

export class StudentPage {
  constructor(api, course) {
    this.api = api;
    this.course = course;
    this.rows = new Map();
  }

  async start() {
    $("student-view").hidden = false;
    try {
      const assignments = await this.api.list(`/courses/${this.course.id}/assignments/`);
      for (const assignment of assignments) this.rows.set(assignment.id, new AssignmentRow(this.api, this.course, assignment));
      $("student-assignments").replaceChildren(...[...this.rows.values()].map((r) => r.el));
      $("no-published").hidden = assignments.length > 0;
    } catch (error) {
      $("page-error").textContent = `The assignments could not be loaded: ${error.message}`;
    }
  }
}
