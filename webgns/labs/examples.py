"""The example labs shipped in `examples/`: importable topology documents, listed and instantiated.

Division of labour: the files are plain export documents (`webgns.labs.topology` reads them like
any import) plus a top-level `"description"`; this module only finds, reads and names them. An
example's name is its file name without `.json`.
"""

import json
import re
from pathlib import Path

from django.conf import settings

EXAMPLES_DIR = Path(settings.BASE_DIR) / "examples"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _path(name: str) -> Path | None:
    if not _NAME.match(name):
        return None
    path = EXAMPLES_DIR / f"{name}.json"
    return path if path.is_file() else None


def load(name: str) -> dict | None:
    """The example's document, or None when there is no such example."""
    path = _path(name)
    return json.loads(path.read_text()) if path else None


def summaries() -> list[dict]:
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        document = json.loads(path.read_text())
        found.append({
            "name": path.stem,
            "title": document.get("name", path.stem),
            "description": document.get("description", ""),
            "nodes": len(document.get("nodes", [])),
            "links": len(document.get("links", [])),
            "templates": sorted({n.get("template") for n in document.get("nodes", [])}),
        })
    return found
