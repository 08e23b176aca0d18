"""Django app configuration of the browser UI."""

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "webgns.ui"
    label = "ui"
    verbose_name = "webgns browser UI"
