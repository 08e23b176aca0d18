"""Websocket URL routes (filled by the live app's consumers)."""

websocket_urlpatterns: list = []
