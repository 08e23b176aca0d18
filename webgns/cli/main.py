"""The `webgns` commands: login, apply, destroy, ps, exec, console, capture, export.

Each command is a thin layer over one or two REST calls (`client.Server`); what it prints goes to
stdout (data: exports, captures, command output) or stderr (progress and errors), so pipes carry
only data. Exit codes are those of `exits`.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tarfile
import threading
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import typer
import yaml
from rich.console import Console
from rich.table import Table

from webgns.cli import exits, terminal
from webgns.cli.client import CliError, Server, save_login

app = typer.Typer(help="Labs as code for webgns: apply topology files, run commands, capture packets.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True)
TOPOLOGY_SUFFIXES = (".clab.yml", ".clab.yaml", ".gns3", ".yml", ".yaml", ".json")


def _server() -> Server:
    return Server.from_config()


def _fail(message: str, code: int) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@app.command()
def login(url: Annotated[str, typer.Argument(help="The server, e.g. http://127.0.0.1:8000")],
          username: Annotated[str | None, typer.Option("--username", "-u")] = None,
          password: Annotated[str | None, typer.Option("--password", "-p", envvar="WEBGNS_PASSWORD")] = None,
          token: Annotated[str | None, typer.Option(help="Store this API token instead of asking for one.")] = None,
          ) -> None:
    """Log in and store the server's URL and an API token (in $WEBGNS_CONFIG or ~/.config/webgns)."""
    server = Server(url, None)
    if token is None:
        username = username or typer.prompt("Username")
        password = password or typer.prompt("Password", hide_input=True)
        token = server.json("POST", "/api/auth/token/", json={"username": username, "password": password},
                            ok=(200,))["token"]
    checked = Server(url, token)
    checked.json("GET", "/api/projects/")
    path = save_login(url, token)
    err.print(f"Logged in to {server.url}; token stored in {path}")


def _topology_in_folder(folder: Path) -> Path:
    for suffix in TOPOLOGY_SUFFIXES:
        found = sorted(folder.glob(f"*{suffix}")) or sorted(folder.rglob(f"*{suffix}"))
        if found:
            return found[0]
    _fail(f"{folder} holds no topology file ({', '.join(TOPOLOGY_SUFFIXES)}).", exits.USAGE)
    raise AssertionError


def _upload(path: Path) -> tuple[str, bytes, str | None]:
    """(file name, bytes, the lab's name read from the topology) for a file, a folder or a .tar.gz."""
    if not path.exists():
        _fail(f"{path} does not exist.", exits.USAGE)
    if path.is_dir():
        topology_file = _topology_in_folder(path)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for member in sorted(path.rglob("*")):
                if member.is_file():
                    archive.add(member, arcname=str(member.relative_to(path)))
        return f"{path.name}.tar.gz", buffer.getvalue(), _name_in(topology_file.read_bytes(), topology_file.name)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            members = [m for m in archive.getmembers() if m.isfile() and m.name.endswith(TOPOLOGY_SUFFIXES)]
            members.sort(key=lambda m: (m.name.count("/"), m.name))
            inner = archive.extractfile(members[0]).read() if members else b""
            return path.name, data, _name_in(inner, members[0].name if members else "")
    return path.name, data, _name_in(data, path.name)


def _name_in(data: bytes, file_name: str) -> str | None:
    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError as error:
        _fail(f"{file_name}: {error}", exits.USAGE)
    if isinstance(document, dict):
        name = document.get("name")
        return str(name) if name else None
    return None


def _progress(op: dict) -> None:
    if op.get("total"):
        err.print(f"  {op['kind']}: {op['done']}/{op['total']} {op['status']}", highlight=False)


@app.command()
def apply(path: Annotated[Path, typer.Argument(help="A topology file (.yml, .clab.yml, .gns3, .json), "
                                                    "its folder, or a .tar.gz of the folder.")],
          name: Annotated[str | None, typer.Option(help="The project (default: the topology's name).")] = None,
          map_: Annotated[str | None, typer.Option("--map", help='Images to templates, JSON: {"frrouting/frr*":"frr"}')]
          = None,
          skip_unsupported: Annotated[bool, typer.Option(help="Leave out what cannot run here.")] = False,
          dry_run: Annotated[bool, typer.Option(help="Show what would change; change nothing.")] = False,
          start: Annotated[bool, typer.Option(help="Start a lab that did not exist yet.")] = True,
          wait: Annotated[bool, typer.Option(help="Wait for the lab to follow.")] = True,
          ) -> None:
    """Create the lab, or converge the existing one (and its running nodes) to the topology."""
    server = _server()
    file_name, data, topology_name = _upload(path)
    lab = name or topology_name
    if not lab:
        _fail("The topology has no name: give --name.", exits.USAGE)
    query = {"map": map_} if map_ else {}
    if skip_unsupported:
        query["skip_unsupported"] = "1"
    if dry_run:
        query["dry_run"] = "1"
    files = {"file": (file_name, data)}
    project = server.find_project(lab)
    if project is None:
        body = server.json("POST", "/api/projects/import/?" + urlencode({**query, "name": lab}), files=files)
        if dry_run:
            print(json.dumps(body, indent=2))
            return
        err.print(f"Created {body['name']} ({len(body.get('report', {}).get('nodes', []))} nodes)")
        if not start:
            return
        operation = server.json("POST", f"/api/projects/{body['id']}/start/")["operation"]
    else:
        body = server.json("POST", f"/api/projects/{project['id']}/apply/?" + urlencode(query), files=files)
        for change in body.get("changes", []):
            err.print(f"  {change}", highlight=False)
        if dry_run:
            print(json.dumps(body, indent=2))
            return
        operation = body["operation"]
    if not wait:
        print(operation)
        return
    op = server.wait_operation(operation, on_progress=_progress)
    if op["status"] != "done":
        _fail(f"{op['kind']} ended in error: {op['error']}", exits.FAILED)
    err.print(f"{lab}: {op['kind']} done")


@app.command()
def destroy(name: str) -> None:
    """Delete the lab: its containers and links go with it."""
    server = _server()
    project = server.project(name)
    server.request("DELETE", f"/api/projects/{project['id']}/")
    err.print(f"Destroyed {project['name']}")


@app.command()
def ps(name: str, as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False) -> None:
    """The lab's nodes and their state."""
    server = _server()
    project = server.project(name)
    nodes = server.json("GET", f"/api/projects/{project['id']}/nodes/")
    if as_json:
        print(json.dumps([{k: n.get(k) for k in ("name", "kind", "status", "error", "compute_host")} for n in nodes]))
        return
    table = Table(title=f"{project['name']} ({project.get('status', '')})")
    for column in ("NODE", "KIND", "STATUS", "HOST", "ERROR"):
        table.add_column(column)
    for n in nodes:
        table.add_row(n["name"], n["kind"], n["status"], n.get("compute_host", ""), n.get("error") or "")
    Console().print(table)


@app.command(name="exec", context_settings={"allow_interspersed_args": False})
def exec_(name: str, node: str, command: Annotated[list[str], typer.Argument(help="The command (after --).")],
          timeout: Annotated[int, typer.Option(help="Seconds before the command is killed.")] = 30) -> None:
    """Run a command in a node; prints its output and exits with its exit code."""
    import shlex

    server = _server()
    project = server.project(name)
    target = server.node(project, node)
    # Options stop at NODE (so `-c` reaches the command); Click then keeps the `--` itself.
    words = command[1:] if command and command[0] == "--" else command
    if not words:
        _fail("Give the command after --.", exits.USAGE)
    text = words[0] if len(words) == 1 else shlex.join(words)
    result = server.json("POST", f"/api/projects/{project['id']}/nodes/{target['id']}/exec/",
                         json={"command": text, "timeout": timeout}, timeout=timeout + 60)
    if "url" in result and "exit_code" not in result:
        import time

        while result.get("status") == "running":
            time.sleep(0.5)
            result = server.json("GET", result["url"]) | {"url": result["url"]}
    sys.stdout.write(result.get("output", ""))
    sys.stdout.flush()
    raise typer.Exit(int(result.get("exit_code", exits.FAILED)))


@app.command()
def console(name: str, node: str,
            shell: Annotated[str | None, typer.Option(help="A shell the template offers, e.g. vtysh.")] = None) -> None:
    """An interactive terminal on a node (websocket); Ctrl-] leaves."""
    server = _server()
    project = server.project(name)
    target = server.node(project, node)
    query = {"token": server.token, **({"shell": shell} if shell else {})}
    ws_url = server.url.replace("http", "ws", 1) + \
        f"/ws/projects/{project['id']}/nodes/{target['id']}/console/?{urlencode(query)}"
    raise typer.Exit(terminal.attach(ws_url))


@app.command()
def capture(name: str, link: Annotated[str, typer.Argument(help="node:port of one end, or the link's id.")],
            write: Annotated[Path | None, typer.Option("-w", help="Write the pcapng here, not to stdout.")] = None,
            bpf: Annotated[str, typer.Option("--filter", "-f", help="A BPF capture filter.")] = "",
            duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None) -> None:
    """Capture a link's packets as pcapng (to stdout: `webgns capture lab r1:eth0 | tshark -r -`)."""
    server = _server()
    project = server.project(name)
    found, end = server.link(project, link)
    base = f"/api/projects/{project['id']}/links/{found['id']}/captures/"
    made = server.json("POST", base, json={"end": end, "filter": bpf})
    stop_url = f"{base}{made['id']}/stop/"

    def stop() -> None:
        with contextlib.suppress(CliError):
            server.request("POST", stop_url, ok=(200, 202, 204, 400, 404, 409))

    timer = threading.Timer(duration, stop) if duration else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    out = open(write, "wb") if write else sys.stdout.buffer  # noqa: SIM115 - stdout stays open
    try:
        response = server.request("GET", f"{base}{made['id']}/pcapng", stream=True, timeout=None)
        for chunk in response.iter_content(chunk_size=None):
            out.write(chunk)
            out.flush()
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # the reader (head, tshark -c) has had enough
        sys.stdout = None  # type: ignore[assignment]
    finally:
        stop()
        if write:
            out.close()


@app.command()
def export(name: str,
           fmt: Annotated[str, typer.Option("--format", help="yaml, json or clab.")] = "yaml",
           output: Annotated[Path | None, typer.Option("-o", help="Write here instead of stdout.")] = None) -> None:
    """The lab as a topology file."""
    if fmt not in ("yaml", "json", "clab"):
        _fail("--format is one of yaml, json, clab.", exits.USAGE)
    server = _server()
    project = server.project(name)
    data = server.request("GET", f"/api/projects/{project['id']}/export/?format={fmt}").content
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def run() -> None:
    """The console script: CliError → its message on stderr and its exit code."""
    try:
        app()
    except CliError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        sys.exit(error.code)


if __name__ == "__main__":
    run()
