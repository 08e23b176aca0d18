"""A PTY on a node, and the end of what a Docker exec started: the engine's one module for both.

An interactive shell in a node's container is a Docker exec with a TTY, here an asyncio byte
stream (`PtySession`); `kill_process_tree` ends an exec's host PID and all its descendants, for the
shell's close and for commands with a timeout (`node_exec`). Docker does not end an exec'd process
when its client goes away (moby #9098), so the caller runs on the node's own host: the PIDs are
that host's.

Division of labour: this engine module speaks to Docker on the node's own host (find the node's
container, create the exec, start it, resize it, end it); the host's console relay
(`webgns.tasks.console_relay`) carries a session's bytes to the web tier's `console_consumer`
(which opens one itself only with WEBGNS_CONSOLE_RELAY=remote). The start request is written
by hand on an asyncio connection to the Docker socket: after the `101 UPGRADED` answer the same
connection carries the PTY's raw bytes both ways, with no thread per console and no byte left
behind in an HTTP client's buffer. Output is buffered as it arrives and handed out in chunks of up
to 64 KiB: a keystroke's echo goes out at once, while bulk output (`cat` of a big file, which the
PTY delivers in 4 KiB pieces) waits a millisecond to fill a big chunk, since every websocket frame
has a fixed cost in the server that dwarfs the cost of its bytes. `close()` kills the shell and
everything it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import docker
from docker.errors import APIError, NotFound

from webgns.compute.labels import NODE_LABEL

log = logging.getLogger(__name__)

# bash when the image has it (history, completion), else the POSIX sh every image has.
SHELL_COMMAND = ["/bin/sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash -l || exec /bin/sh -l"]
SHELL_ENV = ["TERM=xterm-256color", "COLORTERM=truecolor"]
READ_CHUNK = 64 * 1024
# A piece this large means bulk output: wait this long for more before handing out a chunk.
BULK_PIECE = 4000
COALESCE_SECONDS = 0.001
# Stop reading from Docker while this much output waits for the websocket (slow browser).
HIGH_WATER = 1024 * 1024


class NodeNotRunning(Exception):
    """The node has no running container, so there is nothing to attach a shell to."""


class ShellFailed(Exception):
    """Docker refused to start the shell although the container runs."""


@cache
def docker_api() -> docker.APIClient:
    # One client per process: requests' connection pool is safe for these short calls from threads.
    return docker.from_env().api


def _docker_endpoint() -> tuple[str, str | tuple[str, int]]:
    url = urlparse(os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"))
    if url.scheme == "unix":
        return "unix", url.path
    return "tcp", (url.hostname or "127.0.0.1", url.port or 2375)


def running_container(node_id: str) -> str:
    """The id of the node's running container; NodeNotRunning if there is none."""
    found = docker_api().containers(filters={"label": f"{NODE_LABEL}={node_id}", "status": "running"})
    if not found:
        raise NodeNotRunning(f"node {node_id} has no running container")
    return found[0]["Id"]


class PtySession:
    """A started shell: `read()` its output, `write()` keystrokes, `resize()`, then `close()`."""

    def __init__(self, exec_id: str, stream: _RawStream) -> None:
        self.exec_id = exec_id
        self._stream = stream
        self._closed = False

    @classmethod
    async def start(
        cls, node_id: str, cols: int | None = None, rows: int | None = None, command: list[str] | None = None
    ) -> PtySession:
        """`command` replaces the default shell (e.g. ["vtysh"], a template's console shell)."""
        exec_id = await asyncio.to_thread(cls._create, node_id, command or SHELL_COMMAND)
        session = cls(exec_id, await _open_upgraded(exec_id))
        if cols and rows:
            await session.resize(cols, rows)
        return session

    @staticmethod
    def _create(node_id: str, command: list[str]) -> str:
        container = running_container(node_id)
        try:
            return docker_api().exec_create(container, command, stdin=True, tty=True, environment=SHELL_ENV)[
                "Id"
            ]
        except NotFound as error:
            raise NodeNotRunning(f"node {node_id}'s container went away") from error
        except APIError as error:
            if error.response is not None and error.response.status_code == 409:
                raise NodeNotRunning(f"node {node_id}'s container is not running") from error
            raise ShellFailed(f"Docker could not start a shell: {error.explanation or error}") from error

    async def read(self) -> bytes:
        """The next chunk the PTY produced (up to 64 KiB); b"" once the shell has ended."""
        await self._stream.wait_for_data()
        if BULK_PIECE <= self._stream.buffered < READ_CHUNK:
            await asyncio.sleep(COALESCE_SECONDS)
        return self._stream.take(READ_CHUNK)

    async def write(self, data: bytes) -> None:
        await self._stream.write(data)

    async def resize(self, cols: int, rows: int) -> None:
        try:
            await asyncio.to_thread(docker_api().exec_resize, self.exec_id, height=rows, width=cols)
        except APIError as error:  # the shell ended meanwhile: nothing left to resize
            log.debug("resize of exec %s failed: %s", self.exec_id, error)

    async def close(self) -> None:
        """End the shell and everything it started, then drop the stream. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._kill)
        self._stream.close()

    def _kill(self) -> None:
        try:
            info = docker_api().exec_inspect(self.exec_id)
        except APIError:
            return  # the container is gone, and its processes with it
        if info.get("Running") and info.get("Pid"):
            kill_process_tree(int(info["Pid"]))


class _RawStream(asyncio.Protocol):
    """A byte connection whose input accumulates until taken, with flow control both ways."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._ready = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self._eof = False
        self._paused = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._ready.set()
        if len(self._buffer) > HIGH_WATER and not self._paused:
            self._paused = True
            self.transport.pause_reading()

    def eof_received(self) -> bool:
        self._eof = True
        self._ready.set()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._ready.set()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    async def wait_for_data(self) -> None:
        await self.wait_for_data_beyond(0)

    def take(self, limit: int) -> bytes:
        """Up to `limit` buffered bytes (b"" only at end of stream)."""
        chunk = bytes(self._buffer[:limit])
        del self._buffer[:limit]
        if self._paused and len(self._buffer) < HIGH_WATER // 2:
            self._paused = False
            self.transport.resume_reading()
        return chunk

    async def read_until(self, marker: bytes, limit: int = 65536) -> bytes:
        while marker not in self._buffer:
            if self._eof or len(self._buffer) > limit:
                raise ShellFailed(f"Docker closed the connection or sent no header end: {bytes(self._buffer[:200])!r}")
            await self.wait_for_data_beyond(len(self._buffer))
        end = self._buffer.index(marker) + len(marker)
        return self.take(end)

    async def wait_for_data_beyond(self, size: int) -> None:
        while len(self._buffer) <= size and not self._eof:
            self._ready.clear()
            await self._ready.wait()

    async def write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ConnectionError("the shell's stream is closed")
        self.transport.write(data)
        await self._writable.wait()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _open_upgraded(exec_id: str) -> _RawStream:
    """POST /exec/{id}/start with `Upgrade: tcp`; the connection then carries the raw TTY bytes."""
    loop = asyncio.get_running_loop()
    kind, address = _docker_endpoint()
    if kind == "unix":
        _, stream = await loop.create_unix_connection(_RawStream, address)
    else:
        _, stream = await loop.create_connection(_RawStream, *address)
    body = json.dumps({"Detach": False, "Tty": True}).encode()
    version = docker_api().api_version
    stream.transport.write(
        f"POST /v{version}/exec/{exec_id}/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".encode()
        + body
    )
    head = await stream.read_until(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or parts[1] not in ("101", "200"):
        await asyncio.sleep(0.05)  # let the error body arrive
        detail = stream.take(4096).decode("utf-8", "replace").strip()
        stream.close()
        if parts[1:2] in (["404"], ["409"]):
            raise NodeNotRunning(f"the node's container is not running ({detail})")
        raise ShellFailed(f"Docker refused to start the shell: {status_line} {detail}")
    return stream


def kill_process_tree(pid: int) -> None:
    """SIGKILL `pid` and all its descendants (twice over, for children forked meanwhile)."""
    if pid <= 0:
        return
    for _ in range(2):
        doomed = _descendants(pid)
        if not doomed:
            return
        for victim in doomed:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(victim, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    """`pid` itself and every process below it, read from /proc; [] when `pid` is gone."""
    if not Path(f"/proc/{pid}").exists():
        return []
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found
