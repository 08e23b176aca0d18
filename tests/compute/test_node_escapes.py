"""Known escapes from a node to its host, tried as root inside real nodes of every built-in template.

escape_probe.c (built statically here, copied into each node) tries: a cgroup v1 hierarchy mounted
for its `release_agent` (the way a student reached the host's root from an `frr` node), any mount,
the host's block device, /proc/sysrq-trigger and /proc/sys, /sys writes, kernel modules, user
namespaces (`unshare -U`), device nodes, the kernel keyring, file handles, bpf, perf, kexec. Every
try must be refused. It runs from each built-in container template (busybox, host, frr, bridge),
from a template with what a non-staff user may choose (no extra capability), and from one with
every extra capability staff may grant: the confinement (node_confinement.py) must hold whatever
the capabilities. A way found open makes the test fail with the probe's line for it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import docker
import pytest

from tests.waiting import wait_for
from webgns.compute.labels import container_name
from webgns.compute.node_confinement import REFUSED_SYSCALLS
from webgns.labs.management.commands.seed_templates import builtin_templates
from webgns.node_rules import EXTRA_CAPABILITIES

pytestmark = pytest.mark.integration

PROBE_SOURCE = Path(__file__).with_name("escape_probe.c")
# The probe's tries; each must print "blocked" (or "absent" for a path the node does not have).
TRIES = (
    "mount_cgroup_v1_rdma", "mount_cgroup_v1_memory", "mount_cgroup_v1_named", "mount_cgroup2",
    "write_release_agent", "write_notify_on_release", "fsopen_cgroup", "mount_tmpfs", "mount_proc",
    "mount_sysfs", "remount_sys", "host_block_device", "mount_host_block_device",
    "write_sysrq_trigger", "write_core_pattern", "write_uevent_helper", "write_sys_kernel_mm",
    "write_sys_power_state", "init_module", "finit_module", "delete_module", "unshare_user",
    "unshare_mount", "unshare_net", "clone_newuser", "setns_bad_fd", "device_dev_mem",
    "device_dev_kmsg", "device_sda", "keyctl", "add_key", "open_by_handle_at", "bpf",
    "perf_event_open", "kexec_load", "pivot_root", "swapon", "syslog_read",
)  # fmt: skip


def container_templates() -> dict[str, dict]:
    found = {t["name"]: t for t in builtin_templates() if t["kind"] in ("docker", "bridge")}
    busybox = found["busybox"]
    found["non-staff-choice"] = {**busybox, "capabilities": []}
    found["every-staff-capability"] = {**busybox, "capabilities": list(EXTRA_CAPABILITIES)}
    return found


TEMPLATES = container_templates()


@pytest.fixture(scope="module")
def probe_binary(tmp_path_factory) -> Path:
    compiler = shutil.which("gcc")
    if compiler is None:
        pytest.fail("the escape suite builds its probe with gcc, which this host lacks (make test installs it)")
    binary = tmp_path_factory.mktemp("escape") / "escape_probe"
    subprocess.run([compiler, "-static", "-O1", "-o", str(binary), str(PROBE_SOURCE)], check=True)
    return binary


def copy_into(client: docker.DockerClient, container: str, binary: Path) -> None:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tar.gettarinfo(str(binary), arcname="escape_probe")
        info.mode = 0o755
        with binary.open("rb") as handle:
            tar.addfile(info, handle)
    assert client.api.put_archive(container, "/tmp", archive.getvalue())


def parse(output: str) -> dict[str, str]:
    lines = {}
    for line in output.splitlines():
        name, _, verdict = line.partition(" ")
        lines[name] = verdict
    return lines


@pytest.mark.parametrize("template_name", list(TEMPLATES))
def test_no_known_escape_works_from_a_node(template_name, lab, docker_client, probe_binary):
    template = TEMPLATES[template_name]
    node = lab.node(
        "victim", kind=template["kind"], image=template["image"], capabilities=tuple(template.get("capabilities", ())),
        sysctls=template.get("sysctls", {}), memory_mb=template.get("memory_mb"), cpus=template.get("cpus"),
        files=template.get("files", {}),
    )  # fmt: skip
    lab.start(node)
    copy_into(docker_client, container_name(node), probe_binary)
    result = lab.engine.exec(node, "/tmp/escape_probe", timeout=60)
    verdicts = parse(result.output)
    assert "done" in verdicts, f"the probe did not finish: {result.output}"
    assert set(TRIES) <= set(verdicts), f"tries missing from the probe's output: {set(TRIES) - set(verdicts)}"
    open_ways = {name: verdict for name, verdict in verdicts.items() if "OPEN" in verdict}
    assert not open_ways, f"{template_name}: ways to the host are open: {open_ways}"
    assert result.exit_code == 0, result.output
    status = lab.sh(node, "cat /proc/self/status")
    assert "NoNewPrivs:\t1" in status and "Seccomp:\t2" in status, status


def frr_node(lab):
    frr = next(t for t in builtin_templates() if t["name"] == "frr")
    node = lab.node("r1", image=frr["image"], capabilities=tuple(frr["capabilities"]), sysctls=frr["sysctls"],
                    files=frr["files"])  # fmt: skip
    lab.start(node)
    return node


def test_frr_daemons_run_under_the_confinement(lab):
    """SYS_ADMIN stays for FRR (its daemons refuse to start without it), confined: its daemons run."""
    node = frr_node(lab)
    wait_for(lambda: {"zebra", "ospfd", "staticd", "watchfrr"} <= set(lab.sh(node, "ps -eo comm").split()),
             timeout=30, what="FRR's daemons")  # fmt: skip
    assert "FRRouting" in lab.sh(node, "vtysh -c 'show version'")


def test_frr_sees_a_vrf_under_the_confinement(lab):
    """VRF-lite (the kernel's l3mdev) needs NET_ADMIN only: a VRF made in the node shows in zebra."""
    node = frr_node(lab)
    made = lab.engine.exec(node, "ip link add vrf-red type vrf table 10 && ip link set vrf-red up")
    if "Unknown device type" in made.output:
        pytest.skip("this host's kernel has no vrf device type (CONFIG_NET_VRF): VRFs cannot be shown here")
    assert made.exit_code == 0, made.output
    wait_for(lambda: "vrf-red" in lab.sh(node, "vtysh -c 'show vrf'"), timeout=30, what="zebra to list vrf-red")


def test_the_filter_names_every_mount_and_namespace_call():
    # A unit check of the list the probe exercises: a new mount API call slipping out would show here.
    for call in ("mount", "fsopen", "fsmount", "move_mount", "open_tree", "unshare", "setns", "keyctl", "bpf"):
        assert call in REFUSED_SYSCALLS
