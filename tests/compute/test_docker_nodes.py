"""Docker nodes: how containers are made, kept, stopped, observed, and how commands run in them."""

from __future__ import annotations

import time

import pytest

from webgns.compute.errors import NodeNotRunning
from webgns.compute.labels import KIND_LABEL, NODE_LABEL, PROJECT_LABEL, container_name
from webgns.compute.specs import ERROR, STARTED, STOPPED

pytestmark = pytest.mark.integration


def test_container_is_made_as_the_contract_says(lab, docker_client):
    node = lab.node("R1 core", environment={"ROLE": "core"}, memory_mb=64, cpus=0.5)
    lab.start()
    info = docker_client.api.inspect_container(container_name(node))
    assert info["Name"] == f"/webgns-{lab.project_id.replace('-', '')[:8]}-R1_core-{node.id.replace('-', '')[:6]}"
    labels = info["Config"]["Labels"]
    assert (labels[PROJECT_LABEL], labels[NODE_LABEL], labels[KIND_LABEL]) == (lab.project_id, node.id, "docker")
    host = info["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert not host["Privileged"]
    assert {"NET_ADMIN", "NET_RAW"} <= set(host["CapAdd"])
    assert host["Memory"] == 64 * 1024 * 1024
    assert host["NanoCpus"] == 500_000_000
    assert host["PidsLimit"] > 0
    assert info["Config"]["Hostname"] == "R1-core"
    assert lab.sh(node, "hostname; echo $ROLE").split() == ["R1-core", "core"]
    # network_mode none: only loopback until the lab plumbs ports
    assert lab.sh(node, "ls /sys/class/net").split() == ["lo"]


def test_node_keeps_its_filesystem_across_stop_and_start(lab):
    node = lab.node("keeper")
    lab.start()
    lab.sh(node, "echo remembered > /root/note")
    started = time.monotonic()
    assert lab.engine.stop_node(node).status == STOPPED
    assert time.monotonic() - started < 3, "stop must not wait out Docker's grace period"
    assert lab.engine.node_state(node).status == STOPPED
    lab.start(node)
    assert lab.sh(node, "cat /root/note").strip() == "remembered"


def test_start_nodes_is_idempotent_and_reports_each_node(lab):
    nodes = [lab.node(f"n{i}") for i in range(3)]
    seen = []
    first = lab.engine.start_nodes(nodes, on_state=lambda node, state: seen.append((node.id, state.status)))
    assert sorted(seen) == sorted((n.id, STARTED) for n in nodes)
    again = lab.engine.start_nodes(nodes)
    assert {i: s.container_id for i, s in again.items()} == {i: s.container_id for i, s in first.items()}


def test_start_command_replaces_the_image_command(lab):
    node = lab.node("svc", start_command="echo started > /tmp/flag; exec sleep 3600")
    lab.start()
    assert lab.sh(node, "cat /tmp/flag").strip() == "started"


def test_a_command_that_exits_is_an_error_state(lab):
    node = lab.node("quitter", start_command="exit 3")
    state = lab.engine.start_nodes([node])[node.id]
    assert state.status == ERROR
    assert "exited" in state.error


def test_unknown_image_gives_a_node_error_not_an_exception(lab):
    # A registry address on loopback: the pull is really attempted but reaches nothing outside.
    missing = lab.node("ghost", image="127.0.0.1:9/webgns-no-such-image:1")
    fine = lab.node("fine")
    states = lab.engine.start_nodes([missing, fine])
    assert states[fine.id].status == STARTED
    assert states[missing.id].status == ERROR
    assert "image 127.0.0.1:9/webgns-no-such-image:1 not found locally and could not be pulled" in (
        states[missing.id].error
    )


def test_observe_sees_a_container_killed_behind_the_engines_back(lab, docker_client):
    victim, bystander = lab.node("victim"), lab.node("bystander")
    lab.start()
    observed = lab.engine.observe()
    assert observed[victim.id].running and observed[bystander.id].running
    assert observed[victim.id].project_id == lab.project_id
    docker_client.api.kill(container_name(victim))
    observed = lab.engine.observe()
    assert not observed[victim.id].running
    assert observed[bystander.id].running
    assert lab.engine.node_state(victim).status == STOPPED


def test_exec_returns_exit_code_and_output(lab):
    node = lab.node("shell")
    lab.start()
    result = lab.engine.exec(node, "echo out; echo err >&2; exit 7")
    assert result.exit_code == 7
    assert sorted(result.output.split()) == ["err", "out"]
    assert not result.truncated and not result.timed_out


def test_exec_timeout_kills_the_command(lab):
    node = lab.node("sleeper")
    lab.start()
    started = time.monotonic()
    result = lab.engine.exec(node, "echo begun; sleep 60 & sleep 61", timeout=1)
    assert time.monotonic() - started < 8
    assert result.timed_out
    assert result.exit_code != 0
    assert "begun" in result.output
    assert "sleep 6" not in lab.sh(node, "ps"), "the command and its children must be killed"


def test_exec_output_is_capped(lab):
    node = lab.node("chatty")
    lab.start()
    result = lab.engine.exec(node, "head -c 300000 /dev/zero | tr '\\0' x; echo tail", max_output=1000)
    assert result.truncated
    assert len(result.output) == 1000
    assert result.exit_code == 0


def test_exec_in_a_stopped_node_says_so(lab):
    node = lab.node("down")
    lab.start()
    lab.engine.stop_node(node)
    with pytest.raises(NodeNotRunning):
        lab.engine.exec(node, "true")


def test_startup_lines_run_in_the_node(lab):
    node = lab.node("boot", startup=("echo one > /tmp/s", "echo two >> /tmp/s"))
    lab.start()
    assert lab.engine.run_startup(node).exit_code == 0
    assert lab.sh(node, "cat /tmp/s").split() == ["one", "two"]
