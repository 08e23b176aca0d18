"""Enumerations of the lab domain, named once and used everywhere (API, tasks, UI)."""

from django.db import models

from webgns.contract import lab_states


class NodeKind(models.TextChoices):
    DOCKER = lab_states.DOCKER, "Docker container"
    BRIDGE = lab_states.BRIDGE, "Linux bridge switch"
    OVS = lab_states.OVS, "Open vSwitch switch"


class NodeRole(models.TextChoices):
    # What a template's nodes are for: the editor's icon and palette group.
    ROUTER = "router"
    SWITCH = "switch"
    HOST = "host"
    SERVER = "server"
    FIREWALL = "firewall"
    CLOUD = "cloud"


class NodeStatus(models.TextChoices):
    STOPPED = lab_states.STOPPED
    STARTING = lab_states.STARTING
    STARTED = lab_states.STARTED
    STOPPING = lab_states.STOPPING
    ERROR = lab_states.ERROR
    UNKNOWN = lab_states.UNKNOWN


class LinkStatus(models.TextChoices):
    UP = lab_states.LINK_UP
    DOWN = lab_states.LINK_DOWN
    ERROR = lab_states.LINK_ERROR


class OperationStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    ERROR = "error"


class OperationKind(models.TextChoices):
    PROJECT_START = "project.start"
    PROJECT_STOP = "project.stop"
    NODE_START = "node.start"
    NODE_STOP = "node.stop"
    NODE_RESTART = "node.restart"
    # A topology applied to a project: (re)starts the nodes it names (Operation.targets).
    PROJECT_APPLY = "project.apply"


class ProjectStatus(models.TextChoices):
    # Derived from the nodes: never stored, so it cannot disagree with them.
    EMPTY = "empty"
    STOPPED = "stopped"
    STARTED = "started"
    PARTIAL = "partial"
    ERROR = "error"


class AnnotationKind(models.TextChoices):
    TEXT = "text"
    RECT = "rect"
    ELLIPSE = "ellipse"
