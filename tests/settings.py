"""Settings for the test run: webgns's own, on a Redis database of their own.

pytest-django imports settings before any conftest runs, so the Redis choice has to be made here
for a bare `pytest` not to share DB 0 with a running `make run` instance.
"""

import os

os.environ.setdefault("WEBGNS_REDIS_URL", "redis://127.0.0.1:6379/9")
# Not the default (derived from the database path, which is `make run`'s): the in-process worker's
# reconcile must never take a running instance's nodes for its own orphans.
os.environ.setdefault("WEBGNS_INSTANCE", "pytest")

from webgns.settings import *  # noqa: E402,F403
