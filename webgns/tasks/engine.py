"""The worker process's one LabEngine, created on first use (the Docker client is per process).

Imported lazily so that the web tier, which only enqueues tasks, never loads the engine.
"""

from functools import cache


@cache
def lab_engine():
    from django.conf import settings

    from webgns.compute.lab import LabEngine

    return LabEngine(instance=settings.WEBGNS_INSTANCE, allowed_registries=settings.WEBGNS_ALLOWED_REGISTRIES,
                     host=settings.WEBGNS_COMPUTE_HOST, state_dir=settings.DATA_DIR / "engine")
