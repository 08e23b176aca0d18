"""Rules for what a node is given — files (path → text), kernel settings, extra capabilities —
read by both the API and the engine.

Division of labour: the API (`webgns.labs`) refuses a bad file map with the field named; the
engine (`webgns.compute.node_files`) writes what passed into containers. Neither imports the
other, so the limits and the path rule live here, in plain Python.
"""

from __future__ import annotations

import posixpath
import re

MAX_FILE_BYTES = 256 * 1024  # one file
MAX_TOTAL_BYTES = 1024 * 1024  # all of a node's (or template's) files together
MAX_FILES = 64
MAX_PATH_LENGTH = 255
# Docker bind-mounts these into every container and rewrites them; a lab cannot own them.
DOCKER_MANAGED = ("/etc/hostname", "/etc/hosts", "/etc/resolv.conf")


def path_problem(path: object) -> str | None:
    """Why `path` cannot name a node file, or None when it can."""
    if not isinstance(path, str) or not path:
        return "A file path must be a non-empty string."
    if len(path) > MAX_PATH_LENGTH:
        return f"A file path is at most {MAX_PATH_LENGTH} characters."
    if not path.startswith("/"):
        return f"{path!r} is not absolute (start it with /)."
    if "\0" in path or "\n" in path:
        return f"{path!r} contains a NUL or newline."
    parts = path.split("/")
    if ".." in parts or "." in parts or "" in parts[1:]:
        return f"{path!r} must be a normal path: no '..', '.', '//' or trailing '/'."
    if posixpath.normpath(path) == "/":
        return "The root directory is not a file."
    if path in DOCKER_MANAGED:
        return f"{path} is managed by Docker (hostname = node name); it cannot be a lab file."
    return None


def files_problem(files: object) -> str | None:
    """Why `files` cannot be a node's file map, or None when it can."""
    if not isinstance(files, dict):
        return "Must be an object of absolute paths to text."
    if len(files) > MAX_FILES:
        return f"At most {MAX_FILES} files."
    total = 0
    for path, text in files.items():
        problem = path_problem(path)
        if problem:
            return problem
        if not isinstance(text, str):
            return f"The content of {path} must be text."
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            return f"{path} is {size} bytes; a file is at most {MAX_FILE_BYTES // 1024} KiB."
        total += size
    if total > MAX_TOTAL_BYTES:
        return f"The files total {total} bytes; at most {MAX_TOTAL_BYTES // 1024} KiB together."
    return None


def merged(template_files: dict[str, str] | None, node_files: dict[str, str] | None) -> dict[str, str]:
    """A node's files override its template's per path; a path the node does not name keeps the default."""
    return {**(template_files or {}), **(node_files or {})}


MAX_SYSCTLS = 32
# Dotted names only: a sysctl name is also a path under /proc/sys, so "/" and empty components
# ("net./../kernel/x") would step out of net.*.
SYSCTL_NAME = re.compile(r"net(?:\.[A-Za-z0-9_-]+)+", re.ASCII)


def sysctls_problem(sysctls: object) -> str | None:
    """Why `sysctls` cannot be a node's kernel settings: only a node's own network namespace's
    (`net.*`) may be set; Docker refuses the rest without host namespaces."""
    if not isinstance(sysctls, dict):
        return "Must be an object of net.* names to values."
    if len(sysctls) > MAX_SYSCTLS:
        return f"At most {MAX_SYSCTLS} settings."
    for name, value in sysctls.items():
        if not isinstance(name, str) or len(name) > 128 or not SYSCTL_NAME.fullmatch(name):
            return (f"{name!r}: only net.* settings (a node's own network namespace) may be set, as dotted "
                    "names (letters, digits, _ and - between single dots).")
        if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > 64 or "\n" in str(value):
            return f"{name}: the value must be a short string or number."
    return None


# Capabilities a template may ask for beyond NET_ADMIN/NET_RAW (never "privileged"). SYS_ADMIN:
# FRR's zebra refuses to start without it (it wants it for network-namespace VRFs).
EXTRA_CAPABILITIES = ("SYS_ADMIN", "NET_BIND_SERVICE", "SYS_PTRACE", "IPC_LOCK", "SYS_NICE", "NET_BROADCAST")


def capabilities_problem(capabilities: object) -> str | None:
    if not isinstance(capabilities, list) or not all(isinstance(c, str) for c in capabilities):
        return "Must be a list of capability names."
    unknown = [c for c in capabilities if c not in EXTRA_CAPABILITIES]
    if unknown:
        return f"{', '.join(unknown)}: not allowed; choose from {', '.join(EXTRA_CAPABILITIES)}."
    return None


VLAN_MIN, VLAN_MAX = 1, 4094
MAX_TRUNK_VLANS = 64


def vlans_problem(vlans: object, ports: list[str]) -> str | None:
    """Why `vlans` cannot be a switch's port VLANs: {"eth0": {"access": 10}, "eth1": {"trunk": [10, 20]}}."""
    if not isinstance(vlans, dict):
        return 'Must be an object of ports to {"access": N} or {"trunk": [N, …]}.'
    for port, role in vlans.items():
        if port not in ports:
            return f"{port!r} is not a port of this switch (it has {', '.join(ports)})."
        if not isinstance(role, dict) or len(role) != 1 or not ({"access", "trunk"} & set(role)):
            return f'{port}: must be {{"access": N}} or {{"trunk": [N, …]}}.'
        vids = role.get("trunk") if "trunk" in role else [role["access"]]
        if "trunk" in role and (not isinstance(vids, list) or not vids or len(vids) > MAX_TRUNK_VLANS):
            return f"{port}: a trunk lists 1 to {MAX_TRUNK_VLANS} VLANs."
        if not all(isinstance(v, int) and not isinstance(v, bool) and VLAN_MIN <= v <= VLAN_MAX for v in vids):
            return f"{port}: VLAN ids are whole numbers from {VLAN_MIN} to {VLAN_MAX}."
    return None
