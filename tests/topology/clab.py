"""The containerlab fixture as an upload: its folder as a .tar.gz, and the map its images need here."""

import io
import json
import tarfile
from pathlib import Path
from urllib.parse import urlencode

FIXTURE = Path(__file__).parent / "fixtures" / "frr-ospf"
MAP = {"frrouting/frr*": "frr", "wbitt/network-multitool*": "host"}


def folder_tar(root: Path = FIXTURE, replace: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                for old, new in (replace or {}).items():
                    data = data.replace(old.encode(), new.encode())
                info = tarfile.TarInfo(f"{root.name}/{path.relative_to(root)}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def import_url(**query: str) -> str:
    return "/api/projects/import/?" + urlencode({"map": json.dumps(MAP), **query})
