"""Open vSwitch switches: one OVS bridge per `ovs` node, driven through `ovs-vsctl`.

Division of labour: this module owns OVS bridges and their ports in the host's ovs-vswitchd;
`links` makes the veth pair whose host-namespace end becomes a port here, and `offloads`
prepares that end first. Bridges carry the project and node ids in `external_ids`, which is how
`observe` and `remove_project` find them again after a worker restart.

The kernel datapath is used when the openvswitch module is loaded; otherwise (this CI kernel)
the bridge uses the userspace datapath (`datapath_type=netdev`). `ovs-vsctl` is OVS's own
interface to its database: every command is idempotent (`--may-exist`, `--if-exists`) and has a
timeout, and a refusal raises `OvsCommandFailed` with OVS's own words.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from pyroute2 import NetlinkError

from webgns.compute import controller_reach
from webgns.compute.errors import LinkFailed, OvsCommandFailed, OvsUnavailable
from webgns.compute.labels import (
    OVS_HOST_KEY,
    OVS_INSTANCE_KEY,
    OVS_LINK_KEY,
    OVS_NAME_KEY,
    OVS_NODE_KEY,
    OVS_PROJECT_KEY,
)
from webgns.compute.namespaces import open_iproute
from webgns.compute.offloads import isolate_host_port

VSCTL_TIMEOUT_SECONDS = 10
DB_SOCKET = "/var/run/openvswitch/db.sock"


@dataclass(frozen=True)
class OvsBridge:
    name: str
    project_id: str
    node_id: str
    instance: str = ""
    host: str = ""  # "": made before bridges named their host; taken for any host's


def kernel_datapath_available() -> bool:
    return os.path.isdir("/sys/module/openvswitch")


def datapath_type() -> str:
    return "system" if kernel_datapath_available() else "netdev"


def vsctl(*args: str) -> str:
    """Run one ovs-vsctl transaction; its stdout, or OvsCommandFailed/OvsUnavailable."""
    if shutil.which("ovs-vsctl") is None:
        raise OvsUnavailable("Open vSwitch is not installed on this host (package openvswitch-switch)")
    if not os.path.exists(DB_SOCKET):
        raise OvsUnavailable("Open vSwitch is not running on this host: start it with scripts/start-ovs.sh")
    command = ["ovs-vsctl", f"--timeout={VSCTL_TIMEOUT_SECONDS}", *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=VSCTL_TIMEOUT_SECONDS + 5, check=False)
    except subprocess.TimeoutExpired as error:
        raise OvsUnavailable(
            f"Open vSwitch did not answer within {VSCTL_TIMEOUT_SECONDS} s (is ovs-vswitchd running?)"
        ) from error
    if done.returncode != 0:
        said = done.stderr.strip().removeprefix("ovs-vsctl: ")
        if "database connection failed" in said or "Connection refused" in said:
            raise OvsUnavailable("Open vSwitch is not running on this host: start it with scripts/start-ovs.sh")
        raise OvsCommandFailed(f"Open vSwitch refused `{' '.join(args[:4])}...`: {said}")
    return done.stdout


# ovs-vswitchd runs on the host: only an outgoing connection to an address, never a listening
# form (ptcp:, pssl:, punix:) or a unix socket. The API checks the address itself as well.
_ACTIVE_CONTROLLER = re.compile(r"(tcp|ssl):(\[[0-9a-fA-F:.]+\]|[0-9.]+):[0-9]{1,5}")


def ensure_bridge(
    name: str, project_id: str, node_id: str, node_name: str, controller: str = "", instance: str = "",
    host: str = "",
) -> None:
    """The bridge exists with our labels and the requested controller (or standalone)."""
    if controller and not _ACTIVE_CONTROLLER.fullmatch(controller):
        raise OvsCommandFailed(
            f"controller {controller!r} refused: only tcp:IP:PORT or ssl:IP:PORT (an outgoing connection)"
        )
    if controller and (problem := controller_reach.host_problem(controller)):
        raise OvsCommandFailed(problem)
    args = [
        "--may-exist", "add-br", name,
        "--", "set", "Bridge", name, f"datapath_type={datapath_type()}",
        f"external_ids:{OVS_PROJECT_KEY}={project_id}",
        f"external_ids:{OVS_NODE_KEY}={node_id}",
        f'external_ids:{OVS_NAME_KEY}="{_quoted(node_name)}"',
    ]  # fmt: skip
    if instance:
        args.append(f"external_ids:{OVS_INSTANCE_KEY}={instance}")
    if host:
        args.append(f'external_ids:{OVS_HOST_KEY}="{_quoted(host)}"')
    if controller:
        # secure: when the controller is unreachable the switch forwards nothing on its own,
        # which is what an SDN lab expects; standalone would hide a broken controller.
        args += ["--", "set-controller", name, controller, "--", "set-fail-mode", name, "secure"]
    else:
        args += ["--", "del-controller", name, "--", "set-fail-mode", name, "standalone"]
    vsctl(*args)
    quiet_internal_port(name)


def quiet_internal_port(name: str) -> None:
    """The bridge's own interface in the host namespace stays down, with no address and the host
    stack kept out (offloads.isolate_host_port): the host takes no part in a lab's segment."""
    with open_iproute(None) as ipr:
        found = ipr.link_lookup(ifname=name)
        if not found:
            return  # the datapath made no host interface for it
        ipr.link("set", index=found[0], state="down")
    with contextlib.suppress(LinkFailed):  # vanished meanwhile: nothing left to quiet
        isolate_host_port(name)


def bridge_exists(name: str) -> bool:
    try:
        vsctl("br-exists", name)
    except OvsCommandFailed:
        return False
    return True


def delete_bridge(name: str) -> list[str]:
    """Remove the bridge and the host-namespace interfaces of its ports; returns those ports.

    The ports are veth ends whose peers sit in nodes; deleting them also takes the peers away,
    so a removed switch leaves no half-link behind. (A stop parks the ports first: see parking.)
    """
    ports = list_ports(name)
    vsctl("--if-exists", "del-br", name)
    if ports:
        with open_iproute(None) as ipr:
            for port in ports:
                with contextlib.suppress(NetlinkError):  # already gone with its peer's namespace
                    ipr.link("del", ifname=port)
    return ports


def list_ports(bridge: str) -> list[str]:
    try:
        return vsctl("list-ports", bridge).split()
    except OvsCommandFailed:
        return []  # no such bridge


def add_port(bridge: str, port: str, link_id: str) -> None:
    vsctl(
        "--may-exist", "add-port", bridge, port,
        "--", "set", "Port", port, f"external_ids:{OVS_LINK_KEY}={link_id}",
    )  # fmt: skip


def set_port_vlans(port: str, vlan: dict | None) -> None:
    """The port's VLAN role: {"access": N} (tag), {"trunk": [N, …]} (trunks) or None (both cleared)."""
    if vlan and "access" in vlan:
        vsctl("set", "Port", port, f"tag={int(vlan['access'])}", "--", "clear", "Port", port, "trunks")
    elif vlan and "trunk" in vlan:
        trunks = ",".join(str(int(v)) for v in vlan["trunk"])
        vsctl("set", "Port", port, f"trunks={trunks}", "--", "clear", "Port", port, "tag")
    else:
        vsctl("clear", "Port", port, "tag", "--", "clear", "Port", port, "trunks")


def delete_port(bridge: str, port: str) -> None:
    vsctl("--if-exists", "del-port", bridge, port)


def find_bridges(project_id: str | None = None, host: str | None = None) -> list[OvsBridge]:
    """Every bridge a webgns engine made (optionally of one project, and of compute host `host`:
    one that names no host counts as any host's), from its external_ids."""
    selection = ["find", "Bridge", f"external_ids:{OVS_PROJECT_KEY}={project_id}"] if project_id else ["list", "Bridge"]
    listing = json.loads(vsctl("--format=json", "--columns=name,external_ids", *selection))
    bridges = []
    for name, external_ids in listing["data"]:
        labels = dict(external_ids[1])
        if OVS_PROJECT_KEY not in labels:
            continue
        made_by = labels.get(OVS_HOST_KEY, "")
        if host is not None and made_by not in ("", host):
            continue
        bridges.append(OvsBridge(name=name, project_id=labels[OVS_PROJECT_KEY], node_id=labels.get(OVS_NODE_KEY, ""),
                                 instance=labels.get(OVS_INSTANCE_KEY, ""), host=made_by))
    return bridges


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
