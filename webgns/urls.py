"""Top-level URLs: the REST API under /api/, auth pages under /accounts/, the editor at /."""

from django.contrib import admin
from django.urls import include, path

from webgns.ops.metrics import metrics_view
from webgns.ui.views import WelcomeLoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include("webgns.labs.api.urls")),
    path("api/", include("webgns.classrooms.api.urls")),
    path("api/", include("webgns.captures.api.urls")),
    # Before Django's own: the same login page, with its redirect after login adjusted (ui.views).
    path("accounts/login/", WelcomeLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("webgns.ui.urls")),
]

# Errors outside any API view (unknown URL, oversized body read by middleware) answer JSON under /api/.
handler400 = "webgns.labs.api.errors.bad_request"
handler403 = "webgns.labs.api.errors.permission_denied"
handler404 = "webgns.labs.api.errors.not_found"
handler500 = "webgns.labs.api.errors.server_error"
