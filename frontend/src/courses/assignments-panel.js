/**
 * The teacher's assignments: the list (title, visible to students or not, how many copies), and the form that
 * publishes one of the teacher's own projects as a new assignment. Refusals land under the input they name.
 */

import { h } from "../lib/dom-builder.js";
import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";
import { AssignmentEditor } from "./assignment-editor.js";

const $ = (id) => document.getElementById(id);

export class AssignmentsPanel {
  constructor(api, course, username, { changed }) {
    this.api = api;
    this.base = `/courses/${course.id}/assignments/`;
    this.username = username;
    this.changed = changed;
    this.form = $("publish-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.publish();
    });
  }

  start() {
    this.refresh();
    this.loadProjects();
  }

  async refresh() {
    try {
      const assignments = await this.api.list(this.base);
      $("assignment-rows").replaceChildren(...assignments.flatMap((a) => [this.row(a), this.editorRow(a)]));
      $("no-assignments").hidden = assignments.length > 0;
    } catch (error) {
      $("page-error").textContent = `The assignments could not be loaded: ${error.message}`;
    }
  }

  /** Only the teacher's own projects can be published (a course's copies are visible to them too). */
  async loadProjects() {
    const select = this.form.elements.source;
    try {
      const projects = (await this.api.list("/projects/")).filter((p) => p.owner === this.username);
      const choices = projects.map((p) => h("option", { value: p.id }, p.name));
      const prompt = projects.length ? "Choose one of your projects" : "You have no project yet: build one first";
      select.replaceChildren(h("option", { value: "" }, prompt), ...choices);
    } catch (error) {
      select.replaceChildren(h("option", { value: "" }, "Your projects could not be loaded"));
      showFormErrors(this.form, error);
    }
  }

  row(assignment) {
    const error = h("div", { className: "field-error", role: "alert" });
    const toggle = h("input", {
      type: "checkbox",
      checked: assignment.published,
      "aria-label": `${assignment.title} visible to students`,
      onchange: (event) => this.setPublished(assignment, event.target, error),
    });
    return h(
      "tr",
      { dataset: { assignmentId: assignment.id } },
      h("td", {}, assignment.title),
      h("td", {}, h("label", { className: "inline" }, toggle, " visible to students")),
      h("td", {}, assignment.copies ?? ""),
      h(
        "td",
        {},
        h(
          "div",
          { className: "row-actions" },
          h("a", { className: "button", href: `/projects/${assignment.source}/` }, "Edit original"),
          h("button", { type: "button", className: "edit-assignment", onclick: () => this.toggleEditor(assignment) },
            `Instructions & checks (${assignment.checks})`),
          h("button", { type: "button", className: "danger", onclick: (event) => this.remove(assignment, event.target, error) }, "Delete"),
          error,
        ),
      ),
    );
  }

  /** A hidden row under the assignment's own, holding its editor once opened. */
  editorRow(assignment) {
    return h("tr", { className: "editor-row", hidden: true, dataset: { editorFor: assignment.id } }, h("td", { colspan: "4" }));
  }

  toggleEditor(assignment) {
    const row = document.querySelector(`tr[data-editor-for="${assignment.id}"]`);
    if (!row.firstChild.firstChild) {
      const editor = new AssignmentEditor(this.api, this.base, assignment, { saved: () => this.changed() });
      row.firstChild.append(editor.el);
    }
    row.hidden = !row.hidden;
  }

  async publish() {
    clearFormErrors(this.form);
    const elements = this.form.elements;
    const body = { source: elements.source.value, title: elements.title.value.trim(), published: elements.published.checked };
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await this.api.post(this.base, body);
      elements.title.value = "";
      await this.refresh();
      this.changed();
    } catch (error) {
      showFormErrors(this.form, error);
    } finally {
      button.disabled = false;
    }
  }

  async setPublished(assignment, checkbox, error) {
    error.textContent = "";
    try {
      await this.api.patch(`${this.base}${assignment.id}/`, { published: checkbox.checked });
      assignment.published = checkbox.checked;
    } catch (err) {
      checkbox.checked = assignment.published;
      error.textContent = err.message;
    }
  }

  async remove(assignment, button, error) {
    if (!window.confirm(`Delete "${assignment.title}" and every student's copy of it (with their containers)?`)) return;
    error.textContent = "";
    button.disabled = true;
    try {
      await this.api.delete(`${this.base}${assignment.id}/`);
      await this.refresh();
      this.changed();
    } catch (err) {
      error.textContent = err.message;
      button.disabled = false;
    }
  }
}
