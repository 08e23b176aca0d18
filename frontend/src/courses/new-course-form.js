/**
 * Staff's form on the course list: a new course with its name, teachers (usernames) and node limits.
 * The course's caps start at its limits; staff change them on the course page.
 */

import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";

/** "ann, bob  carl" → ["ann", "bob", "carl"]. */
export function usernames(text) {
  return (text || "").split(/[\s,;]+/).map((u) => u.trim()).filter(Boolean);
}

export function bindNewCourseForm(api, form, created) {
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const e = form.elements;
    const body = { name: e.name.value.trim(), teachers: usernames(e.teachers.value) };
    if (e.student_node_limit.value) body.student_node_limit = Number(e.student_node_limit.value);
    if (e.course_node_limit.value) body.course_node_limit = Number(e.course_node_limit.value);
    try {
      const course = await api.post("/courses/", body);
      form.reset();
      created(course);
    } catch (error) {
      showFormErrors(form, error);
    }
  });
}
