"""A topology folder uploaded as a `.tar.gz`: its regular files, read into memory within bounds.

Nothing is written to disk and only regular files are read (links, devices and absolute or `..`
names are skipped), so an archive cannot reach outside itself. The topology inside is the one
`*.clab.yml`/`*.clab.yaml`, `*.gns3` or `*.yml`/`*.yaml` file nearest the archive's root.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import tarfile
import zipfile

from rest_framework import serializers

MAX_FILES = 2000
MAX_BYTES = 20 * 1024 * 1024
TOPOLOGY_SUFFIXES = (".clab.yml", ".clab.yaml", ".gns3", ".yml", ".yaml", ".json")


def is_archive(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def read(data: bytes) -> dict[str, bytes]:
    """name → bytes of each regular file in a gzip'd tar (names normalised, without a leading ./)."""
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive:
                if len(files) >= MAX_FILES:
                    raise serializers.ValidationError({"file": [f"The archive holds more than {MAX_FILES} files."]})
                name = posixpath.normpath(member.name.lstrip("/"))
                if not member.isfile() or name.startswith("..") or name == ".":
                    continue
                total += member.size
                if total > MAX_BYTES:
                    raise serializers.ValidationError(
                        {"file": [f"The archive's files pass {MAX_BYTES // (1024 * 1024)} MiB."]})
                extracted = archive.extractfile(member)
                files[name] = extracted.read() if extracted is not None else b""
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, OSError) as error:
        raise serializers.ValidationError({"file": [f"Not a readable .tar.gz: {error}"]}) from error
    return files


def topology_member(files: dict[str, bytes]) -> str:
    """The topology file of an archive: the shallowest one with a topology suffix, clab first."""
    for suffix in TOPOLOGY_SUFFIXES:
        found = sorted((name.count("/"), name) for name in files if name.endswith(suffix)
                       and not posixpath.basename(name).startswith("."))
        if found:
            return found[0][1]
    raise serializers.ValidationError({"file": ["The archive holds no topology file (*.clab.yml, *.gns3, *.yml)."]})


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read_zip(data: bytes) -> dict[str, bytes]:
    """name → bytes of each file of a zip (a `.gns3project`), within the same bounds as a tar."""
    files: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist()[: MAX_FILES + 1]:
                if len(files) >= MAX_FILES:
                    raise serializers.ValidationError({"file": [f"The archive holds more than {MAX_FILES} files."]})
                name = posixpath.normpath(info.filename.lstrip("/"))
                if info.is_dir() or name.startswith(".."):
                    continue
                total += info.file_size
                if total > MAX_BYTES:
                    raise serializers.ValidationError(
                        {"file": [f"The archive's files pass {MAX_BYTES // (1024 * 1024)} MiB."]})
                files[name] = archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise serializers.ValidationError({"file": [f"Not a readable zip: {error}"]}) from error
    return files
