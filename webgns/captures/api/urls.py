"""URLs of the captures API (mounted under /api/): under a link, and under the project for every capture."""

from django.urls import path

from webgns.captures.api import views

PROJECT = "projects/<uuid:project_pk>"
LINK = f"{PROJECT}/links/<uuid:link_pk>"


def _capture_routes(prefix: str, name: str) -> list:
    capture = f"{prefix}/captures/<uuid:capture_pk>"
    return [
        path(f"{capture}/", views.CaptureDetailView.as_view(), name=f"{name}-detail"),
        path(f"{capture}/stop/", views.CaptureStopView.as_view(), name=f"{name}-stop"),
        path(f"{capture}/pcapng", views.CapturePcapngView.as_view(), name=f"{name}-pcapng"),
        path(f"{capture}/packets/", views.CapturePacketsView.as_view(), name=f"{name}-packets"),
        path(f"{capture}/packets/<int:number>/", views.CapturePacketDetailView.as_view(), name=f"{name}-packet"),
    ]


urlpatterns = [
    path(f"{LINK}/captures/", views.CaptureListView.as_view(), name="link-captures"),
    path(f"{PROJECT}/captures/", views.CaptureListView.as_view(), name="project-captures"),
    *_capture_routes(LINK, "link-capture"),
    *_capture_routes(PROJECT, "project-capture"),
]
