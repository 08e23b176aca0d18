"""Docker nodes: one container per node, created once and kept across stop/start.

Division of labour: this module owns containers (create, start, stop, remove, inspect) through
the docker SDK's low-level API and knows nothing of links; what the rest of the engine needs from
a running node is its network namespace path (`NodeState.pid` → `netns_path`). Bridge switches are
containers too (their `br0` is made by the façade once the namespace exists); OVS switches are
not containers and are handled by `ovs_switch`.

Containers run with `network_mode="none"` (the lab plumbs every interface itself), NET_ADMIN and
NET_RAW but never privileged, confined as node_confinement says, a TTY and open stdin (so an image
whose command is a shell, like busybox, stays up as a GNS3 node does) and Docker's init (tini) as
PID 1 to forward signals.

What is fixed when a container is created (image, hostname = node name, limits, environment,
start command) is fingerprinted in the label `webgns.config`; a stopped container whose
fingerprint no longer matches its node (say the node was renamed) is removed and created again on
its next start. The lab's files (`node_files`) are written after create and before every start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import docker
import requests
from docker.errors import APIError, ImageNotFound, NotFound

from webgns import image_reference
from webgns.compute import node_confinement, node_disk, node_files
from webgns.compute.errors import ImageUnavailable, NodeFailed
from webgns.compute.labels import INSTANCE_LABEL, NODE_LABEL, PROJECT_LABEL, container_labels, container_name
from webgns.compute.namespaces import netns_path
from webgns.compute.specs import BRIDGE, ERROR, STARTED, STOPPED, NodeSpec, NodeState
from webgns.compute.startup_runs import StartupRuns

DEFAULT_SWITCH_IMAGE = "webgns/busybox:latest"
DEFAULT_PIDS_LIMIT = 1024
# Label holding the fingerprint of a container's creation-time settings (see `config_fingerprint`).
CONFIG_LABEL = "webgns.config"
# Seconds a node has to exit after its stop signal before Docker kills it.
STOP_GRACE_SECONDS = 5
# How long a node with its own start_command may take to fail before it counts as started.
START_COMMAND_SETTLE_SECONDS = 0.3
CAPABILITIES = ["NET_ADMIN", "NET_RAW"]
# Docker turns IPv6 off in a container it starts without a network (all we use): a node is to have
# it, like any host — link-local addresses on its ports as they come up, ::1 on lo. Writing `all`
# sets every interface and the default that ports plumbed later inherit. A template may still turn
# it off (its sysctls win).
IPV6_ON = {"net.ipv6.conf.all.disable_ipv6": "0", "net.ipv6.conf.default.disable_ipv6": "0"}
# An interactive shell ignores SIGTERM; SIGHUP ends it, as closing its terminal would.
SHELLS = {
    "sh",
    "ash",
    "bash",
    "dash",
    "zsh",
    "ksh",
    "/bin/sh",
    "/bin/ash",
    "/bin/bash",
    "/bin/dash",
    "/bin/zsh",
}


def image_of(node: NodeSpec) -> str:
    if node.image:
        return node.image
    if node.kind == BRIDGE:
        return DEFAULT_SWITCH_IMAGE
    raise NodeFailed(f"node {node.name} has no image")


class DockerNodes:
    """The containers of lab nodes on one Docker host. Safe to share across threads."""

    def __init__(self, client: docker.DockerClient, instance: str = "",
                 allowed_registries: Sequence[str] | None = None, startup_runs: StartupRuns | None = None) -> None:
        """`allowed_registries`: where a missing image may be pulled from (None: anywhere; empty: nowhere);
        `startup_runs`: the engine's record of startup lines run, which forgets a container removed here."""
        self.api = client.api
        self.startup_runs = startup_runs
        self.instance = instance
        self.allowed_registries = None if allowed_registries is None else tuple(allowed_registries)
        self._image_configs: dict[str, dict[str, Any]] = {}
        self._image_lock = threading.Lock()
        # node id -> (pid, its start time): lets `running_netns` skip a Docker round trip.
        self._pids: dict[str, tuple[int, str]] = {}

    # -- finding -------------------------------------------------------------------------------

    def find(self, node: NodeSpec) -> dict[str, Any] | None:
        """The node's container (inspect output) or None. Falls back to labels for renamed nodes."""
        try:
            return self.api.inspect_container(container_name(node))
        except NotFound:
            pass
        matches = self.api.containers(all=True, filters={"label": f"{NODE_LABEL}={node.id}"})
        if not matches:
            return None
        try:
            return self.api.inspect_container(matches[0]["Id"])
        except NotFound:
            return None

    def project_containers(self, project_id: str) -> dict[str, dict[str, Any]]:
        """{node id: container summary} for every container of a project, in one Docker call."""
        found = self.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={project_id}"})
        return {c["Labels"][NODE_LABEL]: c for c in found if NODE_LABEL in c["Labels"]}

    def labelled(self) -> list[dict[str, Any]]:
        """Summaries of every container a lab of this instance (of any, without one) created here."""
        wanted = [PROJECT_LABEL] + ([f"{INSTANCE_LABEL}={self.instance}"] if self.instance else [])
        return self.api.containers(all=True, filters={"label": wanted})

    # -- lifecycle -----------------------------------------------------------------------------

    def ensure_running(self, node: NodeSpec, known: Mapping[str, Any] | None = None, listed: bool = False) -> NodeState:
        """Create the container if missing, start it if stopped; returns the running state.

        `known` is the node's container summary from `project_containers`; `listed=True` says
        that listing was done and `known` is None because there is no container. Both save
        Docker round trips per node during a lab start, where they count.
        """
        container_id = known["Id"] if known else None
        status = known.get("State") if known else None
        labels = (known or {}).get("Labels") or {}
        if container_id is None and not listed:
            found = self.find(node)
            if found is not None:
                container_id, status = found["Id"], found["State"]["Status"]
                labels = found["Config"].get("Labels") or {}
        if container_id is not None and status not in ("running", "paused") and _outdated(labels, node):
            # Renamed, new limits, new start command…: Docker fixes those at create, so create anew.
            # The lab's files are written again below; anything else changed inside it is lost.
            self.remove_container(container_id)
            container_id = None
        if container_id is None:
            container_id, status = self._create(node), "created"
        try:
            if status == "paused":
                self.api.unpause(container_id)
            elif status != "running":
                node_files.put_files(self.api, container_id, dict(node.files), node.name)
                self.api.start(container_id)
                if node.start_command:
                    self._settle(container_id)
            info = self.api.inspect_container(container_id)
        except NotFound as error:
            raise NodeFailed(f"{container_name(node)} was removed while it was being started") from error
        except APIError as error:
            raise NodeFailed(f"Docker could not start {container_name(node)}: {_explain(error)}") from error
        state = self._remember(node, _state_of(info))
        if state.status != STARTED:
            raise NodeFailed(
                f"{container_name(node)} exited right after it started (exit code "
                f"{info['State'].get('ExitCode')}); its command ends instead of running: check start_command"
            )
        return state

    def _settle(self, container_id: str) -> None:
        """Give a user-written command a moment to fail: `exit 3` is still "running" for the first
        milliseconds, and a node reported started that is gone a moment later misleads the user."""
        with contextlib.suppress(requests.exceptions.RequestException, APIError):
            self.api.wait(container_id, timeout=START_COMMAND_SETTLE_SECONDS)

    def stop(self, node: NodeSpec) -> NodeState:
        found = self.find(node)
        if found is None:
            return NodeState(status=STOPPED)
        try:
            if found["State"].get("Paused"):
                # A frozen process never sees the SIGTERM: without a thaw, every stop of a warm-pool
                # copy would wait out the whole grace period before Docker's SIGKILL.
                self.api.unpause(found["Id"])
            self.api.stop(found["Id"], timeout=STOP_GRACE_SECONDS)
        except NotFound:
            return NodeState(status=STOPPED)
        except APIError as error:
            raise NodeFailed(f"Docker could not stop {found['Name'].lstrip('/')}: {_explain(error)}") from error
        return NodeState(status=STOPPED, container_id=found["Id"])

    def remove(self, node: NodeSpec) -> None:
        found = self.find(node)
        if found is not None:
            self.remove_container(found["Id"])

    def remove_container(self, container_id: str) -> None:
        if self.startup_runs is not None:
            self.startup_runs.forget(container_id)
        try:
            self.api.remove_container(container_id, force=True, v=True)
        except NotFound:
            pass
        except APIError as error:
            if error.response is not None and error.response.status_code == 409:
                return  # removal already in progress
            raise NodeFailed(f"Docker could not remove container {container_id[:12]}: {_explain(error)}") from error

    def stop_reason(self, container_id: str) -> str:
        """Why a container that should run does not, in words (the OOM killer, a kill, its exit code)."""
        try:
            info = self.api.inspect_container(container_id)
        except NotFound:
            return "Its container is gone from its host (removed outside webgns). Start it again."
        state = info["State"]
        limit = (info.get("HostConfig") or {}).get("Memory") or 0
        if state.get("OOMKilled"):
            within = f" (its limit is {limit >> 20} MB)" if limit else ""
            return (f"It ran out of memory{within} and the kernel's OOM killer ended it — a process in it "
                    "used more than the node may. Start it again.")
        code = state.get("ExitCode")
        if code == 137:
            return "It was killed (SIGKILL) outside webgns. Start it again."
        if code:
            return f"Its main process exited with code {code} outside webgns. Start it again."
        return "It was stopped outside webgns. Start it again."

    def answers(self) -> bool:
        """Whether this host's Docker daemon answers at all."""
        try:
            return bool(self.api.ping())
        except Exception:
            return False

    def disk_usage(self, node: NodeSpec) -> int | None:
        """Bytes the running node wrote to its own filesystem, or None when it has no container."""
        found = self.find(node)
        path = node_disk.upper_dir(found) if found is not None else None
        return node_disk.used_bytes(path) if path else None

    def state(self, node: NodeSpec) -> NodeState:
        found = self.find(node)
        if found is None:
            return NodeState(status=STOPPED)
        return self._remember(node, _state_of(found))

    def running_netns(self, node: NodeSpec) -> str | None:
        """The node's namespace path if it runs, else None; cheap for a node seen running lately.

        Plumbing a 1000-node lab asks this for every node: a PID seen in `ensure_running` or
        `state` is trusted while the same process (same start time) still exists, which /proc
        answers in microseconds; otherwise Docker is asked.
        """
        remembered = self._pids.get(node.id)
        if remembered is not None and _start_time(remembered[0]) == remembered[1]:
            return netns_path(remembered[0])
        state = self.state(node)
        return netns_path(state.pid) if state.status == STARTED and state.pid else None

    def _remember(self, node: NodeSpec, state: NodeState) -> NodeState:
        if state.status == STARTED and state.pid:
            started = _start_time(state.pid)
            if started is not None:
                self._pids[node.id] = (state.pid, started)
        else:
            self._pids.pop(node.id, None)
        return state

    def _create(self, node: NodeSpec) -> str:
        image = image_of(node)
        config = self._image_config(image)
        command: list[str] | None = None
        entrypoint: list[str] | None = None
        stop_signal: str | None = None
        if node.start_command:
            entrypoint = ["sh", "-c", node.start_command]
            command = []
        elif not config.get("Entrypoint") and (config.get("Cmd") or [""])[0] in SHELLS:
            stop_signal = "SIGHUP"
        host_config = self.api.create_host_config(
            network_mode="none",
            cap_add=CAPABILITIES + [c for c in node.capabilities if c not in CAPABILITIES],
            init=True,
            mem_limit=f"{node.memory_mb}m" if node.memory_mb else None,
            nano_cpus=int(node.cpus * 1e9) if node.cpus else None,
            pids_limit=node.pids_limit or DEFAULT_PIDS_LIMIT,
            sysctls=node_sysctls(node),
            log_config=node_disk.LOG_CONFIG,
            **node_confinement.host_config_options(),
        )
        try:
            created = self.api.create_container(
                image,
                command=command,
                entrypoint=entrypoint,
                name=container_name(node),
                hostname=_hostname(node.name),
                labels={**container_labels(node, self.instance), CONFIG_LABEL: config_fingerprint(node)},
                environment=dict(node.environment),
                tty=True,
                stdin_open=True,
                stop_signal=stop_signal,
                host_config=host_config,
            )
        except APIError as error:
            if error.response is not None and error.response.status_code == 409:
                # Another worker (or a redelivered task) created it meanwhile: use that one.
                found = self.find(node)
                if found is not None:
                    return found["Id"]
            raise NodeFailed(f"Docker could not create {container_name(node)}: {_explain(error)}") from error
        return created["Id"]

    def _image_config(self, image: str) -> dict[str, Any]:
        with self._image_lock:
            cached = self._image_configs.get(image)
        if cached is not None:
            return cached
        try:
            # The name goes into Docker's URL paths: only a reference, never "../../containers/<id>".
            reference = image_reference.parse(image)
        except image_reference.InvalidReference as error:
            raise ImageUnavailable(f"image {image!r} is not a Docker image reference") from error
        try:
            config = self.api.inspect_image(image)["Config"] or {}
        except ImageNotFound:
            allowed = self.allowed_registries
            if allowed is not None and not image_reference.registry_allowed(reference, allowed):
                raise ImageUnavailable(
                    f"image {image} is not on this host, and registry {reference.registry} is not one it may pull "
                    f"from (allowed: {', '.join(allowed) or 'none'}; WEBGNS_ALLOWED_REGISTRIES)"
                ) from None
            config = self._pull(image)
        with self._image_lock:
            self._image_configs[image] = config
        return config

    def _pull(self, image: str) -> dict[str, Any]:
        repository, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "latest")
        try:
            self.api.pull(repository, tag=tag or "latest")
            return self.api.inspect_image(image)["Config"] or {}
        except (APIError, OSError) as error:  # OSError: the registry's address does not answer
            raise ImageUnavailable(
                f"image {image} not found locally and could not be pulled: {_explain(error)}"
            ) from error


def node_sysctls(node: NodeSpec) -> dict[str, str]:
    """The kernel settings its container is created with: IPv6 on, then the node's own."""
    return {**IPV6_ON, **dict(node.sysctls)}


def config_fingerprint(node: NodeSpec) -> str:
    """A digest of what Docker fixes when it creates the node's container."""
    fixed = [image_of(node), _hostname(node.name), node.cpus, node.memory_mb, node.pids_limit,
             node.start_command, sorted(dict(node.environment).items()), sorted(node_sysctls(node).items()),
             sorted(node.capabilities), node_confinement.CONFINEMENT_VERSION]
    return hashlib.sha256(json.dumps(fixed, default=str).encode()).hexdigest()[:16]


def _outdated(labels: Mapping[str, str], node: NodeSpec) -> bool:
    # A container made before fingerprints existed is kept as it is (it may hold the user's work).
    return CONFIG_LABEL in labels and labels[CONFIG_LABEL] != config_fingerprint(node)


def _state_of(info: Mapping[str, Any]) -> NodeState:
    state = info["State"]
    if state.get("Running") and not state.get("Paused"):
        return NodeState(status=STARTED, pid=state["Pid"], container_id=info["Id"],
                         started_at=state.get("StartedAt", ""))
    if state.get("Status") == "dead":
        return NodeState(status=ERROR, error="Docker reports the container dead", container_id=info["Id"])
    return NodeState(status=STOPPED, container_id=info["Id"])


def _start_time(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat: tells a process from a later one that reuses its PID."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _hostname(name: str) -> str:
    # A hostname is at most 63 letters, digits and dashes; keep the node's name recognisable.
    cleaned = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in name).strip("-")
    return cleaned[:63] or "node"


def _explain(error: Exception) -> str:
    if isinstance(error, APIError) and error.explanation:
        return str(error.explanation)
    return str(error)
