"""Running one command inside a node, with a deadline and a cap on what it may print.

Division of labour: `docker_nodes` owns the container's lifecycle, this module only runs
`sh -c <command>` in a running one (through Docker's exec API) and gives back an `ExecResult`.
Interactive consoles are not here: they attach a PTY stream in the web tier.

Docker does not kill an exec'd process when its client goes away (moby #9098), so on timeout
this module kills the process and its descendants itself, by their host PIDs.
"""

from __future__ import annotations

import select
import struct
import time

import docker
from docker.errors import APIError, NotFound

from webgns.compute.errors import ExecFailed, NodeNotRunning
from webgns.compute.node_pty import kill_process_tree
from webgns.compute.specs import ExecResult

# After a kill, how long to wait for the stream to close before giving up on it.
DRAIN_AFTER_KILL_SECONDS = 5
# Exit status used when the command was killed for running past its timeout (like timeout(1)).
TIMEOUT_EXIT_CODE = 124


def run(api: docker.APIClient, container_id: str, command: str, timeout: float, max_output: int) -> ExecResult:
    try:
        exec_id = api.exec_create(container_id, ["sh", "-c", command], stdout=True, stderr=True)["Id"]
        stream = api.exec_start(exec_id, socket=True)
    except NotFound as error:
        raise NodeNotRunning("the node's container does not exist") from error
    except APIError as error:
        if error.response is not None and error.response.status_code == 409:
            raise NodeNotRunning("the node is not running") from error
        raise ExecFailed(f"Docker could not run the command: {error.explanation or error}") from error
    sock = getattr(stream, "_sock", stream)
    output = bytearray()
    truncated = timed_out = False
    pending = b""
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not timed_out:
                timed_out = True
                kill_process_tree(_exec_pid(api, exec_id))
                deadline = time.monotonic() + DRAIN_AFTER_KILL_SECONDS
                continue
            if remaining <= 0:
                break  # killed, yet something still holds the stream open
            ready, _, _ = select.select([sock], [], [], remaining)
            if not ready:
                continue
            chunk = sock.recv(65536)
            if not chunk:
                break
            pending += chunk
            payload, pending = _split_frames(pending)
            room = max_output - len(output)
            if len(payload) > room:
                truncated = True
            output += payload[: max(room, 0)]
    finally:
        sock.close()
    exit_code = TIMEOUT_EXIT_CODE if timed_out else _exit_code(api, exec_id)
    return ExecResult(
        exit_code=exit_code,
        output=output.decode("utf-8", errors="replace"),
        truncated=truncated,
        timed_out=timed_out,
    )


def _split_frames(data: bytes) -> tuple[bytes, bytes]:
    """Docker multiplexes stdout/stderr as frames: 1 byte stream, 3 pad, 4 bytes length, payload."""
    payload = bytearray()
    offset = 0
    while len(data) - offset >= 8:
        _stream, size = struct.unpack_from(">BxxxL", data, offset)
        if len(data) - offset - 8 < size:
            break
        payload += data[offset + 8 : offset + 8 + size]
        offset += 8 + size
    return bytes(payload), data[offset:]


def _exit_code(api: docker.APIClient, exec_id: str) -> int:
    # The stream closes a moment before Docker records the exit code.
    for _ in range(50):
        info = api.exec_inspect(exec_id)
        if not info["Running"] and info["ExitCode"] is not None:
            return info["ExitCode"]
        time.sleep(0.02)
    return -1


def _exec_pid(api: docker.APIClient, exec_id: str) -> int:
    return api.exec_inspect(exec_id).get("Pid") or 0
