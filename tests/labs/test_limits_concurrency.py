"""Per-user limits hold under real concurrent requests (issue 22, item 5): threads against a live
server (pytest-django's, so these run on SQLite here and on PostgreSQL in scripts/test.sh's second
pass) create projects by every path and start nodes at once; exactly the limit gets through.

Before, `duplicate` did not count at all (64 projects of 50) and 20 simultaneous starts with a
limit of 4 left 11 running: count and insert were separate transactions."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from rest_framework.authtoken.models import Token

from tests.labs.factories import create_node, create_project
from webgns.classrooms.quotas import running_outside_courses
from webgns.labs.models import Node, Project
from webgns.redis_client import redis_client

pytestmark = pytest.mark.django_db(transaction=True)

# No worker consumes this host's queue: the test counts admissions, nothing starts.
IDLE_HOST = "guard-concurrency-nowhere"


def _session(user) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return session


def _all_at_once(calls: list) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result().status_code for f in [pool.submit(call) for call in calls]]


def test_every_project_path_counts_against_one_limit(live_server, make_api, templates, settings):
    settings.WEBGNS_USER_PROJECTS = 5
    api = make_api("racer")
    source = create_project(api, "source")
    create_node(api, source, templates["busybox"], "pc1")
    document = api.get(f"/api/projects/{source['id']}/export/").json()
    http, base = _session(api.user), f"{live_server.url}/api/projects/"
    calls = []
    for i in range(8):
        calls.append(lambda i=i: http.post(base, json={"name": f"new {i}"}, timeout=60))
        calls.append(lambda i=i: http.post(f"{base}{source['id']}/duplicate/", json={"name": f"dup {i}"}, timeout=60))
        calls.append(lambda i=i: http.post(f"{base}import/?name=imp-{i}", json=document, timeout=60))
    codes = _all_at_once(calls)
    assert sorted(set(codes)) == [201, 400], codes
    assert codes.count(201) == 4  # 5 with the source
    assert Project.objects.filter(owner=api.user).count() == 5


def test_simultaneous_node_starts_stop_at_the_running_limit(live_server, make_api, templates, settings):
    settings.WEBGNS_USER_RUNNING_NODES = 4
    api = make_api("starter")
    project = create_project(api, "many")
    nodes = [create_node(api, project, templates["busybox"], f"pc{i}") for i in range(20)]
    Node.objects.filter(project_id=project["id"]).update(compute_host=IDLE_HOST)
    http = _session(api.user)
    url = f"{live_server.url}/api/projects/{project['id']}/nodes/{{}}/{{}}/"
    try:
        codes = _all_at_once([lambda n=n, verb=verb: http.post(url.format(n["id"], verb), timeout=60)
                              for n, verb in zip(nodes, ["start", "restart"] * 10, strict=True)])
        assert codes.count(202) == 4 and codes.count(400) == 16, codes
        assert running_outside_courses(api.user) == 4
        # A whole-lab start on top is refused too: the limit is full.
        assert http.post(f"{live_server.url}/api/projects/{project['id']}/start/", timeout=60).status_code == 400
    finally:
        redis_client().delete(f"compute.{IDLE_HOST}")
