"""The Celery application: every host-changing operation runs in its workers (webgns.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webgns.settings")

app = Celery("webgns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["webgns.tasks"], related_name=None, force=True)
