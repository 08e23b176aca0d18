"""Files of a lab written into a node's container, and read back out of it (Docker's archive API).

Division of labour: `docker_nodes` calls `put_files` between creating (or finding a stopped)
container and starting it, so the files are in place before the node's start command runs, on
every start. `read_files` serves "save running config": it reads chosen paths back as text.
Paths and sizes were checked by the API (`webgns.node_rules`); this module checks them again
because a worker trusts no message.
"""

from __future__ import annotations

import io
import tarfile
import time

import docker
from docker.errors import APIError, NotFound

from webgns.compute.errors import NodeFailed, NodeNotRunning
from webgns.node_rules import MAX_FILE_BYTES, files_problem, path_problem


def tar_of(files: dict[str, str]) -> bytes:
    """A tar whose members are the files at their paths (relative to /), owned by root.

    No directory members: Docker creates a missing parent (0755) and leaves an existing one's mode
    and owner alone, which a directory member would overwrite. A file starting with `#!` is 0755.
    """
    buffer = io.BytesIO()
    now = time.time()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, text in sorted(files.items()):
            data = text.encode("utf-8")
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size = len(data)
            info.mtime = now
            info.mode = 0o755 if text.startswith("#!") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def put_files(api: docker.APIClient, container_id: str, files: dict[str, str], node_name: str) -> None:
    if not files:
        return
    problem = files_problem(files)
    if problem:
        raise NodeFailed(f"node {node_name}: its files were refused: {problem}")
    try:
        api.put_archive(container_id, "/", tar_of(files))
    except APIError as error:
        raise NodeFailed(
            f"node {node_name}: Docker could not write its files ({', '.join(sorted(files))}): "
            f"{error.explanation or error}"
        ) from error


def read_files(api: docker.APIClient, container_id: str, paths: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """({path: text} of what could be read, {path: why not} of the rest)."""
    found: dict[str, str] = {}
    errors: dict[str, str] = {}
    for path in paths:
        problem = path_problem(path)
        if problem:
            errors[path] = problem
            continue
        try:
            stream, stat = api.get_archive(container_id, path)
        except NotFound:
            errors[path] = "no such file in the node"
            continue
        except APIError as error:
            if error.response is not None and error.response.status_code == 404:
                errors[path] = "no such file in the node"
                continue
            raise NodeNotRunning(f"Docker could not read {path}: {error.explanation or error}") from error
        # Docker streams the tar; stop reading well past the limit instead of buffering a huge file.
        data = bytearray()
        for chunk in stream:
            data += chunk
            if len(data) > MAX_FILE_BYTES + 64 * 1024:
                break
        if stat.get("size", 0) > MAX_FILE_BYTES:
            errors[path] = f"{stat['size']} bytes: larger than the {MAX_FILE_BYTES // 1024} KiB a node file may be"
            continue
        text = _single_file(bytes(data), path)
        if isinstance(text, Exception):
            errors[path] = str(text)
        else:
            found[path] = text
    return found, errors


def _single_file(tar_bytes: bytes, path: str) -> str | Exception:
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r") as tar:
            member = tar.next()
            if member is None:
                return ValueError("empty archive")
            if member.isdir():
                return ValueError("is a directory, not a file")
            if member.issym() or member.islnk():
                return ValueError(f"is a link (to {member.linkname}); name the file it points to")
            if not member.isfile():
                return ValueError("is not a regular file")
            content = tar.extractfile(member).read()
    except tarfile.TarError as error:
        return ValueError(f"could not be read: {error}")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return ValueError("is not UTF-8 text")
