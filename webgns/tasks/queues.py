"""Celery queue names: one pair per compute host, and one for the coordinator's own jobs."""

COORDINATOR_QUEUE = "lab"  # beat jobs, pool and check fan-out: any worker of the primary host


def compute_queue(host: str) -> str:
    """Host-changing work for nodes on `host` (start, stop, plumb, remove, reconcile)."""
    return f"compute.{host}"


def exec_queue(host: str) -> str:
    """Commands and console relays on `host`'s nodes (a threads pool: they mostly wait)."""
    return f"exec.{host}"


def pool_queue(host: str) -> str:
    """Resumes of claimed warm-pool copies on `host`: a worker of their own, so a student's Start
    never waits behind lab starts (the pool's own refills among them)."""
    return f"pool.{host}"
