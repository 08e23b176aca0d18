"""Pages of the browser UI: the project list at /, the editor at /projects/<uuid>/, a node's console in a
window of its own at /projects/<uuid>/nodes/<uuid>/terminal/, the course list at /courses/ and a course at
/courses/<uuid>/ (the teacher's or the student's page, by role), staff's people page at /people/,
the Compute hosts page at /compute/, and /welcome/, where login leads (a course member's courses,
else the projects)."""

from django.conf import settings
from django.urls import path

from webgns.ui.views import landing, page

app_name = "ui"

urlpatterns = [
    path("", page("ui/projects.html"), name="projects"),
    path("projects/<uuid:project_id>/", page("ui/editor.html"), name="editor"),
    path("projects/<uuid:project_id>/nodes/<uuid:node_id>/terminal/", page("ui/terminal.html"), name="terminal"),
    path("courses/", page("ui/courses.html"), name="courses"),
    path("courses/<uuid:course_id>/", page("ui/course.html"), name="course"),
    path("people/", page("ui/people.html"), name="people"),
    path("compute/", page("ui/compute.html", {"down_after": round(settings.WEBGNS_HOST_DOWN_AFTER)}), name="compute"),
    path("welcome/", landing, name="landing"),
]
