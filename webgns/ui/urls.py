"""Pages of the browser UI: the project list at /, the editor at /projects/<uuid>/, the course list at
/courses/ and a course at /courses/<uuid>/ (the teacher's or the student's page, by role)."""

from django.urls import path

from webgns.ui import views

app_name = "ui"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/<uuid:project_id>/", views.editor, name="editor"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<uuid:course_id>/", views.course, name="course"),
]
