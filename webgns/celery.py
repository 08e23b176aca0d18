"""The Celery application: every host-changing operation runs in its workers (webgns.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webgns.settings")

# Task modules are named here: they import models, so they load once Django is set up.
app = Celery(
    "webgns",
    include=[
        "webgns.tasks.host_tasks",
        "webgns.tasks.reconcile",
        "webgns.tasks.capture_tasks",
        "webgns.tasks.link_load",
        "webgns.tasks.check_tasks",
        "webgns.tasks.pool_tasks",
        "webgns.tasks.host_heartbeat",
        "webgns.tasks.console_relay",
    ],
)
app.config_from_object("django.conf:settings", namespace="CELERY")
