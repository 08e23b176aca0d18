"""A node's files, hostname and limits through the API and a real worker, on real containers.

Files are written (Docker's archive API) before the node's start command runs, on every start;
save-config reads them back; export/import carry them; a renamed node gets its new hostname on its
next start; every built-in template's limits are what `docker inspect` shows.
"""

import pytest

from tests.conftest import wait_for
from tests.integration.conftest import needs_images, run, start, wait_operation, wait_status
from tests.labs.factories import create_node

pytestmark = pytest.mark.integration


def _node_action(api, project, node, action: str) -> None:
    response = api.post(f"/api/projects/{project['id']}/nodes/{node['id']}/{action}/")
    assert response.status_code == 202, response.content
    assert wait_operation(api, response.json()["operation"])["status"] == "done"


def _container(docker_client, node: dict):
    found = docker_client.containers.list(all=True, filters={"label": f"webgns.node={node['id']}"})
    assert len(found) == 1, found
    return found[0]


def test_files_are_in_place_before_the_start_command_and_on_every_start(api, lab_project, templates):
    project = lab_project("files")
    # The start command copies the file at the moment it starts: it sees the lab's version.
    node = create_node(api, project, templates["busybox"], "pc1",
                       files={"/etc/webgns/greeting": "hello\n", "/usr/local/bin/hi": "#!/bin/sh\necho hi\n"},
                       start_command="cp /etc/webgns/greeting /tmp/seen-at-start; exec sleep 100000")
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [node], "started")
    assert run(api, project, node, "cat /tmp/seen-at-start")["output"] == "hello\n"
    assert run(api, project, node, "hi")["output"] == "hi\n", "a #! file is executable"

    # Changed inside the node, then restarted: the lab's file is written again before the start.
    run(api, project, node, "echo changed > /etc/webgns/greeting; rm /tmp/seen-at-start")
    _node_action(api, project, node, "restart")
    wait_status(api, project, [node], "started")
    assert run(api, project, node, "cat /etc/webgns/greeting")["output"] == "hello\n"
    assert run(api, project, node, "cat /tmp/seen-at-start")["output"] == "hello\n"


def test_node_files_override_the_templates_per_path(api, staff_api, lab_project, templates):
    response = staff_api.post("/api/templates/", {
        "name": "configured", "image": "webgns/busybox:latest", "role": "server", "cpus": 0.5, "memory_mb": 64,
        "files": {"/etc/a.conf": "template a\n", "/etc/b.conf": "template b\n"}}, format="json")
    assert response.status_code == 201, response.content
    template = response.json()
    project = lab_project("override")
    response = api.post(f"/api/projects/{project['id']}/nodes/", {
        "name": "srv", "template": template["id"], "files": {"/etc/b.conf": "node b\n"}}, format="json")
    assert response.status_code == 201, response.content
    node = response.json()
    assert node["effective_files"] == {"/etc/a.conf": "template a\n", "/etc/b.conf": "node b\n"}
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [node], "started")
    assert run(api, project, node, "cat /etc/a.conf /etc/b.conf")["output"] == "template a\nnode b\n"


def test_save_config_round_trip_and_export_import(api, lab_project, templates):
    project = lab_project("save")
    node = create_node(api, project, templates["busybox"], "pc1", files={"/etc/app.conf": "v1\n"})
    url = f"/api/projects/{project['id']}/nodes/{node['id']}/save-config/"
    response = api.post(url, {"paths": ["/etc/app.conf"]}, format="json")
    assert response.status_code == 400 and "node" in response.json(), "a stopped node has nothing to read"
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [node], "started")
    run(api, project, node, "echo v2 > /etc/app.conf; mkdir -p /opt/x; printf 'new\\n' > /opt/x/new.txt")

    response = api.post(url, {"paths": ["/etc/app.conf", "/opt/x/new.txt"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["files"] == {"/etc/app.conf": "v2\n", "/opt/x/new.txt": "new\n"}
    stored = api.get(f"/api/projects/{project['id']}/nodes/{node['id']}/").json()
    assert stored["files"] == {"/etc/app.conf": "v2\n", "/opt/x/new.txt": "new\n"}

    # A path that is not there (or not a file) refuses the whole request and names the path.
    response = api.post(url, {"paths": ["/etc/app.conf", "/nope.conf", "/opt/x"]}, format="json")
    assert response.status_code == 400
    messages = " ".join(response.json()["paths"])
    assert "/nope.conf: no such file" in messages and "/opt/x: is a directory" in messages
    assert api.get(f"/api/projects/{project['id']}/nodes/{node['id']}/").json()["files"] == stored["files"]

    document = api.get(f"/api/projects/{project['id']}/export/").json()
    assert document["nodes"][0]["files"] == stored["files"]
    response = api.post("/api/projects/import/?name=save-copy", document, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    lab_project.adopt(copy["id"])
    copied = api.get(f"/api/projects/{copy['id']}/nodes/").json()[0]
    assert copied["files"] == stored["files"]
    assert wait_operation(api, start(api, copy))["status"] == "done"
    wait_status(api, copy, [copied], "started")
    assert run(api, copy, copied, "cat /opt/x/new.txt")["output"] == "new\n"


def test_a_renamed_node_gets_its_new_hostname_on_its_next_start(api, lab_project, templates, docker_client):
    project = lab_project("rename")
    node = create_node(api, project, templates["busybox"], "before")
    assert wait_operation(api, start(api, project))["status"] == "done"
    wait_status(api, project, [node], "started")
    assert run(api, project, node, "hostname")["output"].strip() == "before"
    response = api.patch(f"/api/projects/{project['id']}/nodes/{node['id']}/", {"name": "after"}, format="json")
    assert response.status_code == 200
    assert run(api, project, node, "hostname")["output"].strip() == "before", "a running node keeps its name"
    _node_action(api, project, node, "restart")
    wait_status(api, project, [node], "started")
    assert run(api, project, node, "hostname")["output"].strip() == "after"
    assert _container(docker_client, node).name.split("-")[2] == "after"


BUILTIN_CONTAINERS = ("busybox", "host", "frr", "bridge")


def test_every_builtin_template_runs_with_its_limits(api, lab_project, templates, docker_client):
    needs_images(docker_client, "webgns/frr:latest", "webgns/host:latest")
    assert all(templates[name].cpus and templates[name].memory_mb for name in BUILTIN_CONTAINERS)
    project = lab_project("limits")
    nodes = [create_node(api, project, templates[name], f"n-{name}") for name in BUILTIN_CONTAINERS]
    assert wait_operation(api, start(api, project), timeout=180)["status"] == "done"
    wait_status(api, project, nodes, "started")
    for name, node in zip(BUILTIN_CONTAINERS, nodes, strict=True):
        host_config = _container(docker_client, node).attrs["HostConfig"]
        assert host_config["Memory"] == templates[name].memory_mb * 1024 * 1024, name
        assert host_config["NanoCpus"] == int(templates[name].cpus * 1e9), name
        assert host_config["PidsLimit"] > 0, name
        assert not host_config["Privileged"], name
    frr = _container(docker_client, nodes[2]).attrs["HostConfig"]
    assert "SYS_ADMIN" in frr["CapAdd"] and frr["Sysctls"]["net.ipv4.ip_forward"] == "1"
    wait_for(lambda: run(api, project, nodes[2], "vtysh -c 'show version'")["exit_code"] == 0, 30,
             what="vtysh to answer in the frr node")
    tools = "ip -V && ping -V && traceroute --version && tcpdump --version && iperf3 -v && curl -V && nc -h; " \
            "dig -v && ethtool --version && brctl --version && nft -v && ps -V && less -V && nano -V"
    result = run(api, project, nodes[1], tools)
    assert result["exit_code"] == 0, result["output"]
