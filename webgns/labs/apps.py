from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "webgns.labs"
    label = "labs"
    verbose_name = "Labs"
