"""The server, as the command line sees it: a stored login, JSON requests, and the names it looks up.

`login` stores the server's URL and an API token in `$WEBGNS_CONFIG` (default
`~/.config/webgns/credentials.json`, mode 0600); every other command reads them back. Errors are
raised as `CliError(message, exit_code)` so the command line prints one line and exits with a
code from `exits`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import requests

from webgns.cli import exits


class CliError(Exception):
    def __init__(self, message: str, code: int = exits.FAILED) -> None:
        super().__init__(message)
        self.code = code


def config_path() -> Path:
    return Path(os.environ.get("WEBGNS_CONFIG") or Path.home() / ".config" / "webgns" / "credentials.json")


def save_login(url: str, token: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump({"url": url.rstrip("/"), "token": token}, file)
    return path


def _describe(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    if isinstance(body, dict):
        if "detail" in body and len(body) == 1:
            detail = body["detail"]
            return detail if isinstance(detail, str) else json.dumps(detail)
        return "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in body.items())
    return json.dumps(body)


class Server:
    def __init__(self, url: str, token: str | None) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Token {token}"
        self.token = token

    @classmethod
    def from_config(cls) -> Server:
        url, token = os.environ.get("WEBGNS_URL"), os.environ.get("WEBGNS_TOKEN")
        if not (url and token):
            try:
                stored = json.loads(config_path().read_text())
            except (OSError, ValueError):
                raise CliError("Not logged in: run `webgns login URL` first.", exits.AUTH) from None
            url, token = url or stored.get("url"), token or stored.get("token")
        return cls(url, token)

    def request(self, method: str, path: str, ok: tuple[int, ...] = (200, 201, 202, 204), **kwargs: Any):
        try:
            response = self.session.request(method, f"{self.url}{path}", timeout=kwargs.pop("timeout", 120), **kwargs)
        except requests.ConnectionError as error:
            raise CliError(f"{self.url} does not answer: {error}", exits.UNREACHABLE) from error
        if response.status_code in (401, 403) and response.status_code not in ok:
            raise CliError(f"Refused ({response.status_code}): {_describe(response)}", exits.AUTH)
        if response.status_code == 404 and 404 not in ok:
            raise CliError(f"Not found: {path}", exits.NOT_FOUND)
        if response.status_code not in ok:
            raise CliError(_describe(response), exits.FAILED)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else None

    # -- names → ids -----------------------------------------------------------------------------
    def project(self, name: str) -> dict:
        found = self.find_project(name)
        if found is None:
            raise CliError(f"No project named {name!r}.", exits.NOT_FOUND)
        return found

    def find_project(self, name: str) -> dict | None:
        listing = self.json("GET", "/api/projects/")
        rows = listing["results"] if isinstance(listing, dict) else listing
        mine = [p for p in rows if p["name"] == name or p["id"] == name]
        return mine[0] if mine else None

    def node(self, project: dict, name: str) -> dict:
        for node in self.json("GET", f"/api/projects/{project['id']}/nodes/"):
            if node["name"] == name or node["id"] == name:
                return node
        raise CliError(f"No node named {name!r} in {project['name']}.", exits.NOT_FOUND)

    def link(self, project: dict, spec: str) -> tuple[dict, str]:
        """A link by id or by one of its ends ("r1:eth0"), and the end ("a"/"b") that names it."""
        nodes = {n["id"]: n["name"] for n in self.json("GET", f"/api/projects/{project['id']}/nodes/")}
        for link in self.json("GET", f"/api/projects/{project['id']}/links/"):
            if link["id"] == spec:
                return link, "a"
            for end in ("a", "b"):
                if f"{nodes.get(link[end]['node'])}:{link[end]['port']}" == spec:
                    return link, end
        raise CliError(f"No link {spec!r} in {project['name']} (give node:port or the link's id).", exits.NOT_FOUND)

    def wait_operation(self, operation_id: str, timeout: float = 600, on_progress=None) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            op = self.json("GET", f"/api/operations/{operation_id}/")
            if on_progress is not None:
                on_progress(op)
            if op["status"] in ("done", "error"):
                return op
            if time.monotonic() > deadline:
                raise CliError(f"Operation {operation_id} not finished after {timeout:.0f} s.", exits.FAILED)
            time.sleep(0.5)
