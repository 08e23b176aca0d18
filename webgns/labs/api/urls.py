"""URLs of the REST API (mounted under /api/), nested as in shared/api.md."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter, SimpleRouter

from webgns.labs.api import topology_views, views
from webgns.labs.api.auth_token import ThrottledObtainAuthToken

router = DefaultRouter()
router.register("templates", views.TemplateViewSet, basename="template")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("operations", views.OperationViewSet, basename="operation")
router.register("users", views.UserViewSet, basename="user")

nested = SimpleRouter()
nested.register(r"projects/(?P<project_pk>[0-9a-f-]{36})/nodes", views.NodeViewSet, basename="node")
nested.register(r"projects/(?P<project_pk>[0-9a-f-]{36})/links", views.LinkViewSet, basename="link")
nested.register(r"projects/(?P<project_pk>[0-9a-f-]{36})/annotations", views.AnnotationViewSet, basename="annotation")

urlpatterns = [
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("compute/", views.ComputeView.as_view(), name="compute"),
    path("examples/", views.ExampleListView.as_view(), name="examples"),
    path("examples/<str:name>/instantiate/", views.ExampleInstantiateView.as_view(), name="example-instantiate"),
    path("schema/topology.json", topology_views.TopologySchemaView.as_view(), name="topology-schema"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *nested.urls,
    *router.urls,
]
