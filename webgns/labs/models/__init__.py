"""The lab domain's models, one concept per module."""

from webgns.labs.models.annotation import Annotation
from webgns.labs.models.compute_host import ComputeHost
from webgns.labs.models.link import Link
from webgns.labs.models.node import Node
from webgns.labs.models.operation import Operation
from webgns.labs.models.project import Project
from webgns.labs.models.template import Template
from webgns.labs.models.user_limits import UserLimits

__all__ = ["Annotation", "ComputeHost", "Link", "Node", "Operation", "Project", "Template", "UserLimits"]
