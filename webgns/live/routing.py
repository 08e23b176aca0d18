"""Websocket URL routes: project events, node consoles (controlled or watched), capture packets (see shared/api.md)."""

from django.urls import path

from webgns.live.capture_consumer import CaptureConsumer
from webgns.live.console_consumer import console_by_mode
from webgns.live.events_consumer import ProjectEventsConsumer

websocket_urlpatterns = [
    path("ws/projects/<uuid:project_id>/events/", ProjectEventsConsumer.as_asgi()),
    path("ws/projects/<uuid:project_id>/nodes/<uuid:node_id>/console/", console_by_mode()),
    path("ws/projects/<uuid:project_id>/captures/<uuid:capture_id>/", CaptureConsumer.as_asgi()),
]
