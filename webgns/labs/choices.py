"""Enumerations of the lab domain, named once and used everywhere (API, tasks, UI)."""

from django.db import models

from webgns.compute import specs


class NodeKind(models.TextChoices):
    DOCKER = specs.DOCKER, "Docker container"
    BRIDGE = specs.BRIDGE, "Linux bridge switch"
    OVS = specs.OVS, "Open vSwitch switch"


class NodeStatus(models.TextChoices):
    STOPPED = specs.STOPPED
    STARTING = specs.STARTING
    STARTED = specs.STARTED
    STOPPING = specs.STOPPING
    ERROR = specs.ERROR


class LinkStatus(models.TextChoices):
    UP = specs.LINK_UP
    DOWN = specs.LINK_DOWN
    ERROR = specs.LINK_ERROR


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
