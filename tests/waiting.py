"""Waiting for a condition, never for a fixed time: the one `wait_for` of the tests and benches
(no Django here, so benches that run outside pytest import it too)."""

import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], object], timeout: float = 60, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
