"""Which container starts have had their startup lines run: so that they run once per start.

A node's startup lines configure what its start made (addresses on interfaces that were just
created). Run a second time on the same running container they fail ("Address already
assigned"), and a Start pressed on a running lab, a double click or a task Celery delivers again
would do exactly that. So the engine records, per container, the start it ran the lines for
(Docker's `State.StartedAt`): a container started again has a new StartedAt and its lines run
again; the same start never twice.

Division of labour: `LabEngine.run_startup` asks and records; this module only keeps the record,
one small file per container id under the engine's state directory (on the node's own host,
like the container), written atomically. Reconcile, which re-plumbs interfaces the host lost,
runs the lines regardless (`force`): those interfaces are new.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from pathlib import Path

_CONTAINER_ID = re.compile(r"^[0-9a-f]{12,64}$")


class StartupRuns:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _path(self, container_id: str) -> Path:
        if not _CONTAINER_ID.match(container_id):
            raise ValueError(f"not a container id: {container_id!r}")
        return self.directory / container_id

    def ran_for(self, container_id: str, started_at: str) -> bool:
        """Whether the lines already ran for this start of the container."""
        if not started_at:
            return False
        try:
            return self._path(container_id).read_text() == started_at
        except (OSError, ValueError):
            return False

    def record(self, container_id: str, started_at: str) -> None:
        if not started_at:
            return
        path = self._path(container_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        scratch.write_text(started_at)
        os.replace(scratch, path)

    def forget(self, container_id: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._path(container_id).unlink()
