/**
 * The course list (/courses/): every course the user is in (staff: all), with their role in it.
 */

import { h } from "../lib/dom-builder.js";
import { bindNewCourseForm } from "./new-course-form.js";

const $ = (id) => document.getElementById(id);
const ROLE_WORDS = { teacher: "teacher", student: "student", staff: "staff" };

function row(course) {
  return h(
    "tr",
    { dataset: { courseId: course.id } },
    h("td", {}, h("a", { href: `/courses/${course.id}/`, className: "course-link" }, course.name)),
    h("td", {}, ROLE_WORDS[course.role] || ""),
    h("td", {}, (course.teachers || []).join(", ")),
    h("td", {}, course.students ?? ""),
  );
}

export async function showCourseList(api, { staff = false } = {}) {
  if (staff) {
    bindNewCourseForm(api, document.getElementById("new-course-form"), (course) => {
      window.location.href = `/courses/${course.id}/`;
    });
  }
  try {
    const courses = await api.list("/courses/");
    $("course-rows").replaceChildren(...courses.map(row));
    $("no-courses").hidden = courses.length > 0;
  } catch (error) {
    $("page-error").textContent = `Courses could not be loaded: ${error.message}`;
  }
}
