/**
 * A course's page (/courses/<id>/): loads the course, then shows the teacher's page or the student's by the role
 * the API reports (staff see the teacher's page). A course the user is not in is a 404 from the API, said so.
 */

import { StudentPage } from "./student-page.js";
import { TeacherPage } from "./teacher-page.js";

const $ = (id) => document.getElementById(id);
const ROLE_TEXT = { teacher: "you teach this course", staff: "staff: you manage every course", student: "you are a student" };

export async function showCourse(api, { courseId, username }) {
  let course;
  try {
    course = await api.get(`/courses/${courseId}/`);
  } catch (error) {
    $("page-error").textContent =
      error.status === 404 ? "This course does not exist, or you are not in it." : `The course could not be loaded: ${error.message}`;
    $("course-name").textContent = "Course";
    return null;
  }
  $("course-name").textContent = course.name;
  document.title = `${course.name} · webgns`;
  $("course-role").textContent = ROLE_TEXT[course.role] || "";
  document.body.dataset.role = course.role || "";
  const page = course.role === "student" ? new StudentPage(api, course) : new TeacherPage(api, course, username);
  page.start();
  window.webgnsCourse = page; // a handle for tests and for debugging from the console
  return page;
}
