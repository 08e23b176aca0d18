"""Pages of the browser UI: the project list at / and the editor at /projects/<uuid>/."""

from django.urls import path

from webgns.ui import views

app_name = "ui"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/<uuid:project_id>/", views.editor, name="editor"),
]
