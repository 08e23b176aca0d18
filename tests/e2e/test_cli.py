"""The `webgns` command line end to end against a real Daphne and worker: login, apply (create and
start, then converge), ps, exec with the command's exit code, capture piped into `tshark -r -`,
export, destroy; exit codes a script can rely on."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import wait_for
from webgns.cli import exits

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e

LAB = {
    "format": "webgns-topology",
    "version": 1,
    "nodes": {
        "h1": {"template": "busybox", "startup": ["ip addr add 10.9.0.1/24 dev eth0"]},
        "h2": {"template": "busybox", "startup": ["ip addr add 10.9.0.2/24 dev eth0"]},
    },
    "links": [{"endpoints": ["h1:eth0", "h2:eth0"]}],
}


@pytest.fixture
def cli(tmp_path, stack, cleanup_projects):
    env = {**os.environ, "WEBGNS_CONFIG": str(tmp_path / "credentials.json")}
    env.pop("WEBGNS_URL", None)
    env.pop("WEBGNS_TOKEN", None)

    def run(*args: str, check: int | None = exits.OK, **kwargs) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "webgns.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              timeout=300, **kwargs)
        if check is not None:
            assert done.returncode == check, (args, done.returncode, done.stdout[-2000:], done.stderr[-2000:])
        return done

    run.env = env
    return run


def test_cli_end_to_end(cli, stack, api, cleanup_projects, tmp_path):
    assert cli("ps", "anything", check=exits.AUTH).returncode == exits.AUTH  # not logged in yet
    cli("login", stack.base_url, "-u", stack.username, "-p", stack.password)

    name = f"cli-{uuid.uuid4().hex[:8]}"
    lab = tmp_path / "lab.yml"
    lab.write_text(yaml.safe_dump({**LAB, "name": name}))
    cli("apply", str(lab))
    project = next(p for p in api.get(f"{stack.base_url}/api/projects/").json() if p["name"] == name)
    cleanup_projects.append(project["id"])

    import json

    nodes = json.loads(cli("ps", name, "--json").stdout)
    assert {(n["name"], n["status"]) for n in nodes} == {("h1", "started"), ("h2", "started")}

    ping = cli("exec", name, "h1", "--", "ping", "-c", "1", "-W", "2", "10.9.0.2")
    assert b"1 packets received" in ping.stdout
    assert cli("exec", name, "h1", "--", "sh -c 'exit 3'", check=3).returncode == 3
    assert cli("exec", name, "nope", "--", "true", check=exits.NOT_FOUND).returncode == exits.NOT_FOUND

    console = cli("console", name, "h1", input=b"echo console-$((6*7))\n")
    assert b"console-42" in console.stdout, console

    # capture | tshark -r -, while h1 pings h2.
    capture = subprocess.Popen([sys.executable, "-m", "webgns.cli", "capture", name, "h1:eth0", "--duration", "8"],
                               cwd=ROOT, env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tshark = subprocess.Popen(["tshark", "-r", "-", "-Y", "icmp"], stdin=capture.stdout, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    capture.stdout.close()
    captures = f"{stack.base_url}/api/projects/{project['id']}/captures/"

    def running() -> bool:
        listing = api.get(captures).json()
        rows = listing["results"] if isinstance(listing, dict) else listing
        return any(c["status"] == "running" for c in rows)

    wait_for(running, 30, interval=0.2, what="the capture to run")
    cli("exec", name, "h1", "--", "ping", "-c", "4", "-i", "0.5", "10.9.0.2")
    out, errors = tshark.communicate(timeout=120)
    assert capture.wait(timeout=60) == exits.OK, capture.stderr.read()
    assert b"10.9.0.1" in out and b"ICMP" in out, (out, errors)

    # Converge: h2's address changes (h2 restarts), h1 stays; an impairment is added.
    changed = {**LAB, "name": name, "nodes": {**LAB["nodes"], "h2": {"template": "busybox",
                                                                     "startup": ["ip addr add 10.9.0.3/24 dev eth0"]}},
               "links": [{"endpoints": ["h1:eth0", "h2:eth0"], "impairment": {"a_to_b": {"rate_kbps": 5000}}}]}
    lab.write_text(yaml.safe_dump(changed))
    dry = cli("apply", str(lab), "--dry-run")
    assert '"node": "h2"' in dry.stdout.decode() and '"restart": true' in dry.stdout.decode()
    cli("apply", str(lab))
    assert b"1 packets received" in cli("exec", name, "h1", "--", "ping", "-c", "1", "-W", "2", "10.9.0.3").stdout

    exported = yaml.safe_load(cli("export", name).stdout)
    assert exported["nodes"]["h2"]["startup"] == ["ip addr add 10.9.0.3/24 dev eth0"]
    assert exported["links"][0]["impairment"] == {"a_to_b": {"rate_kbps": 5000}}

    cli("destroy", name)
    assert cli("ps", name, check=exits.NOT_FOUND).returncode == exits.NOT_FOUND
