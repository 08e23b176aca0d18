"""Top-level URLs: the REST API under /api/, auth pages under /accounts/, the editor at /."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("webgns.labs.api.urls")),
    path("api/", include("webgns.classrooms.api.urls")),
    path("api/", include("webgns.captures.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("webgns.ui.urls")),
]
