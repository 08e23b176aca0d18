"""Schemathesis against the OpenAPI schema at /api/schema/: no generated request gets a server error.

Every operation of the schema is called in-process (Django's WSGI app) with bodies and parameters
that Schemathesis derives from the schema (a bounded number of examples each), as a staff user, on
objects this test made: path ids are replaced by the ids of a project, node, link, template, course
and assignment of its own, so the requests reach the validation code rather than stopping at 404.

Nothing reaches the host: the test database is never committed (pytest-django's `db`), so the
workers' tasks, which are enqueued on commit, are never sent. Left out: `exec` (it waits on a
worker's answer) — covered by the integration tests.
"""

import io

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from webgns.wsgi import application

MAX_EXAMPLES = 5

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).exclude(path_regex=r"/exec/$")


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request, which would close the test's
    own transaction; Django's test client disconnects the same handlers for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owned(db, keep_connection) -> dict:
    """Objects of this test's own, whose ids stand in for the schema's path parameters."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from webgns.classrooms.choices import Role
    from webgns.classrooms.models import Assignment, Course, Enrollment
    from webgns.labs.models import Link, Node, Project, Template

    call_command("seed_templates", stdout=io.StringIO())
    user = get_user_model().objects.create_user("fuzz", "fuzz@example.org", "fuzz-password", is_staff=True,
                                                is_superuser=True)
    template = Template.objects.get(name="busybox")
    project = Project.objects.create(name="fuzz", owner=user)
    a, b = (Node.objects.create(project=project, name=n, template=template, kind=template.kind, adapters=2)
            for n in ("a", "b"))
    link = Link.objects.create(project=project, a_node=a, a_port="eth0", b_node=b, b_port="eth0")
    course = Course.objects.create(name="fuzz-course")
    Enrollment.objects.create(course=course, user=user, role=Role.TEACHER)
    assignment = Assignment.objects.create(course=course, title="fuzz", source=project)
    return {"token": Token.objects.create(user=user).key, "project": project.id, "node": a.id, "link": link.id,
            "template": template.id, "course": course.id, "assignment": assignment.id, "user": user.id,
            "username": user.username}


def own_path_parameters(path: str, parameters: dict, owned: dict) -> dict:
    """The schema's path parameters, with ids of objects this test owns."""
    by_collection = {"projects": "project", "nodes": "node", "links": "link", "templates": "template",
                     "courses": "course", "assignments": "assignment", "users": "user"}
    segments = path.strip("/").split("/")
    result = dict(parameters)
    for i, segment in enumerate(segments):
        if segment.startswith("{") and i > 0:
            name = segment.strip("{}")
            kind = by_collection.get(segments[i - 1])
            if name == "project_pk":
                result[name] = str(owned["project"])
            elif name == "course_pk":
                result[name] = str(owned["course"])
            elif name == "username":
                result[name] = owned["username"]
            elif kind is not None and name == "id":
                result[name] = str(owned[kind])
    return result


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_request_gets_a_server_error(case, owned):
    if case.path_parameters:
        case.path_parameters = own_path_parameters(case.path, case.path_parameters, owned)
    response = case.call(headers={"Authorization": f"Token {owned['token']}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n"
        f"body: {case.body!r}\nquery: {case.query!r}\n{response.text[:2000]}")
