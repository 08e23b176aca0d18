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
