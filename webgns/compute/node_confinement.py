"""What a node's processes may not do to their host: the confinement every container is created with.

Division of labour: docker_nodes.py creates containers and asks this module for the security part
of their host config; nothing else decides it. The model (README "Node confinement"):

- Every node is hostile. Its root is root only over its own namespaces: NET_ADMIN and NET_RAW for
  its network namespace, plus what a staff-made template adds (the built-in `frr` template adds
  SYS_ADMIN because FRR's daemons refuse to start unless it is in their permitted set, though with
  VRF-lite they never use it).
- A seccomp filter of our own replaces Docker's default one and holds whatever the capabilities
  say: no mount of any kind (old and new mount API), no pivot_root, no namespace creation (unshare,
  setns, clone with a namespace flag — so no user namespace whose root could mount), no kernel
  keyring, no module loading, no kexec, no bpf, no perf events, no open_by_handle_at, no swap,
  no quota, no clock setting; only the native syscall ABI (a 32-bit `int 0x80` call is refused
  outright, so no other syscall table can slip past the filter). This is what makes a
  SYS_ADMIN node harmless: the cgroup v1 `release_agent` escape needs a mount.
- `no-new-privileges`, a private cgroup namespace, Docker's read-only /sys and /proc/sys and its
  masked /proc paths; MKNOD, AUDIT_WRITE and SETFCAP dropped from Docker's default set.
- A version number goes into each container's configuration fingerprint, so a container made
  under an older confinement is made again on its next start.
"""

from __future__ import annotations

import json
import platform
from typing import Any

CONFINEMENT_VERSION = 1
DROPPED_CAPABILITIES = ["MKNOD", "AUDIT_WRITE", "SETFCAP"]
EPERM, ENOSYS = 1, 38
# Refused whatever the node's capabilities: each is a known way from a container to its host.
REFUSED_SYSCALLS = (
    # Mounts (cgroup release_agent, a host block device, procfs/sysfs remounts) and root changes.
    "mount", "umount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "mount_setattr",
    # Namespaces: a new user namespace gives full capabilities over new mounts and namespaces.
    "unshare", "setns",
    # The kernel's keyrings are not namespaced.
    "keyctl", "add_key", "request_key",
    # The kernel itself.
    "init_module", "finit_module", "delete_module", "create_module", "kexec_load", "kexec_file_load",
    "bpf", "perf_event_open", "lookup_dcookie", "syslog", "iopl", "ioperm", "uselib", "nfsservctl",
    "query_module", "get_kernel_syms", "_sysctl", "sysfs", "ustat", "reboot",
    # File handles bypass the mount namespace ("shocker").
    "open_by_handle_at", "name_to_handle_at",
    # Host-wide state.
    "swapon", "swapoff", "quotactl", "quotactl_fd", "acct", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "stime", "vhangup",
    "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
)  # fmt: skip
# clone's flags that make a namespace (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET).
NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
NATIVE_ARCHITECTURES = {"x86_64": "SCMP_ARCH_X86_64", "aarch64": "SCMP_ARCH_AARCH64"}


def seccomp_profile(machine: str | None = None) -> dict[str, Any]:
    """The filter as Docker's seccomp JSON: allow by default, refuse the list and namespace clones."""
    machine = machine or platform.machine()
    rules: list[dict[str, Any]] = [{"names": list(REFUSED_SYSCALLS), "action": "SCMP_ACT_ERRNO", "errnoRet": EPERM}]
    # clone's flags are its first argument on x86_64 and arm64; one rule per flag, as rules OR.
    for flag in NAMESPACE_FLAGS:
        rules.append({"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": EPERM,
                      "args": [{"index": 0, "value": flag, "valueTwo": flag, "op": "SCMP_CMP_MASKED_EQ"}]})  # fmt: skip
    # clone3 passes its flags in memory a filter cannot read: say it does not exist, and C
    # libraries fall back to clone, whose flags the rules above see.
    rules.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": ENOSYS})
    profile: dict[str, Any] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": rules}
    if machine in NATIVE_ARCHITECTURES:
        profile["architectures"] = [NATIVE_ARCHITECTURES[machine]]
    return profile


def security_options() -> list[str]:
    """Docker's `security_opt` for a node's container."""
    return ["no-new-privileges:true", "seccomp=" + json.dumps(seccomp_profile(), separators=(",", ":"))]


def host_config_options() -> dict[str, Any]:
    """The confinement's part of `create_host_config`'s keyword arguments."""
    return {"security_opt": security_options(), "cap_drop": list(DROPPED_CAPABILITIES), "cgroupns": "private"}
