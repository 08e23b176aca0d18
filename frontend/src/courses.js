/**
 * The course pages' entry: the course list at /courses/, a course (teacher's or student's page) at
 * /courses/<id>/. Which one is named by the page's config element.
 */

import "./styles/base.css";
import "./styles/courses.css";

import { ApiClient } from "./lib/api-client.js";
import { showCourseList } from "./courses/course-list.js";
import { showCourse } from "./courses/course-page.js";
import { PeoplePage } from "./courses/people-page.js";

const config = document.getElementById("courses-config").dataset;
const api = new ApiClient(config.apiBase || "/api");

if (config.page === "people") new PeoplePage(api).start();
else if (config.courseId) showCourse(api, config);
else showCourseList(api, { staff: config.staff === "1" });
