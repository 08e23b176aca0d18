"""The engine's exceptions: each names a cause the user can act on.

Division of labour: the modules that talk to Docker, netlink and Open vSwitch raise these; the
`LabEngine` façade catches them per node and per link and turns them into `status="error"` with
the message as the reason, so one broken node never stops a lab. Messages are written for the
person looking at the lab ("image X not found locally and could not be pulled: ..."), not for
the developer ("docker failed").
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of everything the engine raises on purpose; the message is the user-facing reason."""


class ImageUnavailable(EngineError):
    """The node's image is neither on this host nor pullable."""


class NodeNotRunning(EngineError):
    """An operation needs the node's container (or OVS bridge) running, and it is not."""


class NodeFailed(EngineError):
    """Docker refused to create or start the node's container."""


class NamespaceUnavailable(EngineError):
    """A network namespace path does not exist or cannot be entered."""


class LinkFailed(EngineError):
    """The kernel refused to create, repair or remove a link."""


class PortUnknown(EngineError):
    """A link names a port that the node does not have."""


class OvsUnavailable(EngineError):
    """Open vSwitch is not installed or its daemons are not running."""


class OvsCommandFailed(EngineError):
    """ovs-vsctl refused a change; the message carries what OVS said."""


class ExecFailed(EngineError):
    """A command could not be started inside a node."""


class DockerUnavailable(EngineError):
    """The compute host's Docker daemon does not answer."""


DOCKER_SILENT = "Docker on this compute host does not answer (is dockerd running?)"


def in_words(error: Exception) -> str:
    """An unexpected error as the reason a user reads: Docker's silence said so, never a raw
    `ConnectionError(MaxRetryError(…))`; anything else by its type and message."""
    if is_docker_silent(error):
        return DOCKER_SILENT
    return str(error) if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"


def is_docker_silent(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the Docker daemon could not be reached."""
    seen = 0
    while error is not None and seen < 8:
        if isinstance(error, DockerUnavailable | ConnectionError):
            return True
        name = type(error).__name__
        text = str(error)
        if name in ("ConnectionError", "ProtocolError", "NewConnectionError", "MaxRetryError") or (
            "Connection refused" in text or "No such file or directory" in text and "docker.sock" in text
        ):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
