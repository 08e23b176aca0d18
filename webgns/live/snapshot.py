"""The snapshot a client gets on connect and on resync: the project as the REST API shows it.

Division of labour: the REST serializers decide every field, this module only gathers the
project, its nodes, links and annotations in one place (with one port-usage query for all nodes), so the
socket and `GET /api/projects/{p}/...` can never disagree.
"""

from webgns.labs.api.serializers import (
    AnnotationSerializer,
    LinkSerializer,
    NodeSerializer,
    ProjectSerializer,
    port_usage,
)
from webgns.labs.models import Annotation, Link, Node, Project


def project_snapshot(project_id: object) -> dict | None:
    """`{...project, "nodes": [...], "links": [...]}`, or None when the project no longer exists."""
    project = Project.objects.select_related("owner").filter(pk=project_id).first()
    if project is None:
        return None
    context = {"project": project, "port_usage": port_usage(project)}
    nodes = Node.objects.filter(project=project).select_related("template", "project")
    links = Link.objects.filter(project=project)
    data = dict(ProjectSerializer(project).data)
    data["nodes"] = NodeSerializer(nodes, many=True, context=context).data
    data["links"] = LinkSerializer(links, many=True, context=context).data
    data["annotations"] = AnnotationSerializer(Annotation.objects.filter(project=project), many=True).data
    return data
