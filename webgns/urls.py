"""Top-level URLs: the REST API under /api/, auth pages under /accounts/, the documentation at /docs/,
the editor at /."""

from django.contrib import admin
from django.urls import include, path, re_path

from webgns.ops.metrics import metrics_view
from webgns.ui.docs_view import docs_page
from webgns.ui.views import WelcomeLoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    # The documentation site built by `make docs` (webgns.ui.docs_view), open without login.
    re_path(r"^docs/(?P<path>.*)$", docs_page, name="docs-site"),
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
