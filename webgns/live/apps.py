from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "webgns.live"
    label = "live"
