"""A project of thousands of nodes made straight in the database (no containers, no API limits):
what the snapshot tests load. Used in-process and, through `manage.py shell`, inside a live stack."""

import uuid

CHAIN_ADAPTERS = 2


def make_big_project(owner_username: str, nodes: int, environment_bytes: int = 0) -> str:
    """A stopped chain of `nodes` busybox nodes and `nodes - 1` links; returns the project id."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from webgns.labs.models import Link, Node, Project, Template

    owner = get_user_model().objects.get(username=owner_username)
    template = Template.objects.get(name="busybox")
    with transaction.atomic():
        project = Project.objects.create(name=f"big-{uuid.uuid4().hex[:6]}", owner=owner)
        environment = {"PAD": "x" * environment_bytes} if environment_bytes else {}
        rows = [Node(project=project, name=f"n{i}", template=template, kind=template.kind, x=i * 10, y=0,
                     adapters=CHAIN_ADAPTERS, environment=environment) for i in range(nodes)]
        Node.objects.bulk_create(rows, batch_size=500)
        Link.objects.bulk_create([Link(project=project, a_node=rows[i], a_port="eth1", b_node=rows[i + 1],
                                       b_port="eth0") for i in range(nodes - 1)], batch_size=500)
    return str(project.id)
