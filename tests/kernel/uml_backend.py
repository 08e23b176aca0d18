"""Boot Debian's user-mode-linux with the host's filesystem as root and run one script in it.

Division of labour: this module knows how to start a UML guest (kernel command line, init script,
modules and their dependencies); guest_run.py runs the process and reads results back;
guest_machine.py decides whether UML is used at all. UML is the quickest backend where it boots
(~3 s), but Debian's 6.1 UML panics at once on CPUs with a large XSTATE area (AMX, AVX-512), so
it is used only after a probe boot succeeds.

The guest's root is the host's / (hostfs), read-write: the guest mounts tmpfs on /run and /tmp
so that `ip netns`, OVS sockets and temporary files stay inside it. Results are written to a host
directory bind-mounted at /run/results before /tmp is hidden.
"""

from __future__ import annotations

import functools
import shlex
import shutil
import tempfile
from pathlib import Path

from .debian_kernel import KernelUnavailable, module_load_order
from .guest_run import (
    DEFAULT_MODULES,
    PROBE_MODULES,
    PROBE_SCRIPT,
    REPO_ROOT,
    GuestFailed,
    GuestRun,
    GuestUnavailable,
    guest_python,
    probe_verdict,
    read_text,
    run_guest_process,
    script_lines,
    short_reason,
)

UML_KERNEL = Path("/usr/bin/linux.uml")
UML_MODULES_ROOT = Path("/usr/lib/uml/modules")
GUEST_RESULTS_DIR = "/run/results"
# The checkout as the guest sees it: bound here before the guest hides /tmp behind a tmpfs, so a
# checkout under /tmp works too.
GUEST_REPO_DIR = "/run/webgns-repo"
PROBE_TIMEOUT = 30.0


def missing_reason() -> str | None:
    """Why UML cannot be tried at all here (None when it can)."""
    if not UML_KERNEL.exists():
        return f"user-mode-linux is not installed ({UML_KERNEL} is missing)"
    if not modules_dir_or_none():
        return f"user-mode-linux's modules are missing ({UML_MODULES_ROOT}/<version>)"
    return None


def modules_dir_or_none() -> Path | None:
    versions = sorted(p for p in UML_MODULES_ROOT.glob("*") if (p / "modules.dep").exists())
    return versions[-1] if versions else None


def in_guest(path: str | Path) -> str:
    """Where a host path of the checkout is inside the guest (other paths are the same)."""
    path = Path(path)
    if path.is_relative_to(REPO_ROOT):
        return str(Path(GUEST_REPO_DIR) / path.relative_to(REPO_ROOT))
    return str(path)


def guest_script_path(script: Path, results_host_dir: Path) -> str:
    """Where the guest finds `script`: the checkout is bound in; anything else (a test's file under
    the host's /tmp, hidden by the guest's own tmpfs) is copied into the results folder first."""
    if script.is_relative_to(REPO_ROOT):
        return in_guest(script)
    shutil.copy2(script, results_host_dir / script.name)
    return f"{GUEST_RESULTS_DIR}/{script.name}"


def init_script(
    script: Path, args: list[str], results_host_dir: Path, modules: list[Path], modules_dir: Path
) -> str:
    insmods = "\n".join(
        f"insmod {shlex.quote(str(m))} || echo 'insmod {m.name} failed' >> {GUEST_RESULTS_DIR}/init.log"
        for m in modules
    )
    in_the_guest = Path(guest_script_path(script, results_host_dir))
    lines = script_lines(in_the_guest, args, GUEST_RESULTS_DIR, GUEST_REPO_DIR, in_guest(guest_python()))
    return f"""#!/bin/sh
# PID 1 of a user-mode-linux guest whose root is the host's filesystem: touch only tmpfs.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p {GUEST_RESULTS_DIR} {GUEST_REPO_DIR} /run/netns
mount --bind {shlex.quote(str(results_host_dir))} {GUEST_RESULTS_DIR}
mount --bind {shlex.quote(str(REPO_ROOT))} {GUEST_REPO_DIR}
mount -t tmpfs tmpfs /tmp
# The kernel autoloads modules (a bridge when `ip link add type bridge` asks) through modprobe,
# which looks in /lib/modules/<uname -r>: lend it UML's own tree there, on a guest-only tmpfs.
mount -t tmpfs tmpfs /lib/modules
mkdir -p /lib/modules/$(uname -r)
mount --bind {shlex.quote(str(modules_dir))} /lib/modules/$(uname -r)
{insmods}
{lines}
halt -f
"""


def run(
    script: Path,
    args: list[str] | None = None,
    modules: tuple[str, ...] = DEFAULT_MODULES,
    timeout: float = 240,
    memory_mb: int = 768,
) -> GuestRun:
    """Boot a guest, run `script <result file> <args...>` in it with the venv's Python, halt."""
    reason = missing_reason()
    if reason:
        raise GuestUnavailable(reason)
    modules_dir = modules_dir_or_none()
    assert modules_dir is not None
    try:
        module_files = module_load_order(modules, modules_dir)
    except KernelUnavailable as error:
        raise GuestUnavailable(f"user-mode-linux: {error}") from error
    work = Path(tempfile.mkdtemp(prefix="webgns-uml-"))
    try:
        results_dir = work / "results"
        results_dir.mkdir()
        init = work / "init.sh"
        init.write_text(init_script(Path(script).resolve(), args or [], results_dir, module_files, modules_dir))
        init.chmod(0o755)
        command = [
            str(UML_KERNEL), f"mem={memory_mb}M", f"umid=webgns-{work.name}", f"uml_dir={work}",
            "root=/dev/root", "rootflags=/", "rootfstype=hostfs", "rw", f"init={init}",
            "con=null", "con0=fd:0,fd:1",
        ]  # fmt: skip
        guest = run_guest_process(command, work, results_dir, timeout, "uml")
        init_log = read_text(results_dir / "init.log")
        guest.guest_log += f"\n--- init ---\n{init_log}" if init_log.strip() else ""
        return guest
    finally:
        shutil.rmtree(work, ignore_errors=True)


@functools.cache
def probe() -> str | None:
    """None when a UML guest boots here and its kernel has every feature the tests need; otherwise why not."""
    reason = missing_reason()
    if reason:
        return reason
    try:
        outcome = run(PROBE_SCRIPT, [], PROBE_MODULES, timeout=PROBE_TIMEOUT, memory_mb=256)
    except (GuestUnavailable, GuestFailed) as error:
        return short_reason(str(error))
    return probe_verdict(outcome)

