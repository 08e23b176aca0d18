from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "webgns.classrooms"
    label = "classrooms"
