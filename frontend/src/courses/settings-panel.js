/**
 * A course's settings on its page: staff change its name, teachers, node limits and staff's caps; a teacher
 * changes only the node limits, within the caps (the API says so when a value is past one). Staff may delete the
 * course (asked first).
 */

import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";
import { usernames } from "./new-course-form.js";

const $ = (id) => document.getElementById(id);
const LIMITS = ["student_node_limit", "course_node_limit"];
const STAFF_ONLY = ["name", "teachers", "student_node_cap", "course_node_cap"];

export class SettingsPanel {
  constructor(api, course) {
    this.api = api;
    this.course = course;
    this.form = $("settings-form");
    this.staff = course.role === "staff" || document.getElementById("courses-config").dataset.staff === "1";
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
  }

  start() {
    this.fill(this.course);
    if (this.staff) {
      $("delete-course-zone").hidden = false;
      $("btn-delete-course").addEventListener("click", () => this.deleteCourse());
    }
    for (const name of STAFF_ONLY) this.form.elements[name].disabled = !this.staff;
    $("settings-note").textContent = this.staff
      ? "Limits count nodes running at once; caps bound what teachers may set."
      : "You may change the node limits up to staff's caps.";
  }

  fill(course) {
    const e = this.form.elements;
    e.name.value = course.name;
    e.teachers.value = (course.teachers || []).join(", ");
    for (const name of [...LIMITS, "student_node_cap", "course_node_cap"]) e[name].value = course[name];
  }

  /** Staff: deletes the course after asking (its copies leave their hosts), then shows the course list. */
  async deleteCourse() {
    const question =
      `Delete the course "${this.course.name}"?\n` +
      "Its assignments and every student's lab go with it; running labs are removed from their hosts. This cannot be undone.";
    if (!window.confirm(question)) return;
    const button = $("btn-delete-course");
    button.disabled = true;
    $("delete-course-error").textContent = "";
    try {
      await this.api.delete(`/courses/${this.course.id}/`);
      window.location.href = "/courses/";
    } catch (error) {
      $("delete-course-error").textContent = error.message;
      button.disabled = false;
    }
  }

  async save() {
    clearFormErrors(this.form);
    $("settings-ok").textContent = "";
    const e = this.form.elements;
    const body = Object.fromEntries(LIMITS.map((n) => [n, Number(e[n].value)]));
    if (this.staff) {
      Object.assign(body, { name: e.name.value.trim(), teachers: usernames(e.teachers.value) });
      body.student_node_cap = Number(e.student_node_cap.value);
      body.course_node_cap = Number(e.course_node_cap.value);
    }
    try {
      this.course = await this.api.patch(`/courses/${this.course.id}/`, body);
      this.fill(this.course);
      $("settings-ok").textContent = "Saved.";
      $("course-name").textContent = this.course.name;
    } catch (error) {
      showFormErrors(this.form, error);
    }
  }
}
