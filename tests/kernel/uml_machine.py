"""Boot Debian's user-mode-linux with the host's filesystem as root and run one Python script in it.

Division of labour: this module knows how to start and stop a UML guest (kernel command line,
init script, modules and their dependencies, where results land); the scripts it runs
(guest_checks.py, bench/bench_impairments.py) know what to measure; the pytest modules and the
bench decide what the figures mean. Used because this host's kernel lacks sch_netem and the
openvswitch module, which UML's 6.1 kernel ships (see /work/shared/kernel-lab.md).

The guest's root is the host's / (hostfs), read-write: the guest mounts tmpfs on /run and /tmp
so that `ip netns`, OVS sockets and temporary files stay inside it. Results are written to a host
directory bind-mounted at /run/results before /tmp is hidden. linux.uml's exit status does not
carry the script's, so the script's status and output come back as files there.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

UML_KERNEL = Path("/usr/bin/linux.uml")
UML_MODULES_ROOT = Path("/usr/lib/uml/modules")
REPO_ROOT = Path(__file__).resolve().parents[2]
GUEST_RESULTS_DIR = "/run/results"
# The checkout as the guest sees it: bound here before the guest hides /tmp behind a tmpfs, so a
# checkout under /tmp works too.
GUEST_REPO_DIR = "/run/webgns-repo"
RESULT_FILE = "result.json"

# What impairments and OVS need, by module name; their dependencies are found in modules.dep.
DEFAULT_MODULES = ("veth", "sch_netem", "sch_tbf", "sch_htb", "openvswitch")


class UmlUnavailable(RuntimeError):
    """user-mode-linux is not installed here; the message says what is missing."""


class GuestFailed(AssertionError):
    """The guest did not produce its result file; the message carries the end of its console."""


@dataclass
class GuestRun:
    results: dict
    exit_status: int | None
    guest_log: str
    console: str
    seconds: float


def missing_reason() -> str | None:
    """Why the harness cannot run here (None when it can)."""
    if not UML_KERNEL.exists():
        return f"needs user-mode-linux ({UML_KERNEL} is missing: apt-get install user-mode-linux)"
    if not modules_dir_or_none():
        return f"needs user-mode-linux's modules ({UML_MODULES_ROOT}/<version> is missing)"
    return None


def modules_dir_or_none() -> Path | None:
    versions = sorted(p for p in UML_MODULES_ROOT.glob("*") if (p / "modules.dep").exists())
    return versions[-1] if versions else None


def guest_python() -> str:
    """The project's virtualenv interpreter, located from this checkout (CI clones elsewhere)."""
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv_python if venv_python.exists() else Path(sys.executable))


def module_load_order(names: tuple[str, ...], modules_dir: Path) -> list[Path]:
    """Module files for `names` and everything they depend on, dependencies first."""
    depends: dict[str, list[str]] = {}
    by_name: dict[str, str] = {}
    for line in (modules_dir / "modules.dep").read_text().splitlines():
        target, _, deps = line.partition(":")
        depends[target] = deps.split()
        by_name[Path(target).name.split(".ko")[0].replace("-", "_")] = target
    ordered: list[str] = []

    def visit(target: str) -> None:
        if target in ordered:
            return
        for dependency in depends.get(target, []):
            visit(dependency)
        ordered.append(target)

    for name in names:
        if name not in by_name:
            raise UmlUnavailable(f"user-mode-linux has no {name} module in {modules_dir}")
        visit(by_name[name])
    return [modules_dir / target for target in ordered]


def in_guest(path: str | Path) -> str:
    """Where a host path of the checkout is inside the guest (other paths are the same)."""
    path = Path(path)
    if path.is_relative_to(REPO_ROOT):
        return str(Path(GUEST_REPO_DIR) / path.relative_to(REPO_ROOT))
    return str(path)


def init_script(script: Path, args: list[str], results_host_dir: Path, modules: list[Path]) -> str:
    quoted_args = " ".join(shlex.quote(a) for a in args)
    python, guest_script = shlex.quote(in_guest(guest_python())), shlex.quote(in_guest(script))
    insmods = "\n".join(
        f"insmod {shlex.quote(str(m))} || echo 'insmod {m.name} failed' >> {GUEST_RESULTS_DIR}/init.log"
        for m in modules
    )
    return f"""#!/bin/sh
# PID 1 of a user-mode-linux guest whose root is the host's filesystem: touch only tmpfs.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp PYTHONDONTWRITEBYTECODE=1 PYTHONPATH={GUEST_REPO_DIR}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p {GUEST_RESULTS_DIR} {GUEST_REPO_DIR} /run/netns
mount --bind {shlex.quote(str(results_host_dir))} {GUEST_RESULTS_DIR}
mount --bind {shlex.quote(str(REPO_ROOT))} {GUEST_REPO_DIR}
mount -t tmpfs tmpfs /tmp
{insmods}
ip link set lo up
cd {GUEST_REPO_DIR}
{python} {guest_script} {GUEST_RESULTS_DIR}/{RESULT_FILE} {quoted_args} \\
    > {GUEST_RESULTS_DIR}/guest.log 2>&1
echo $? > {GUEST_RESULTS_DIR}/exit_status
sync
halt -f
"""


def run_in_uml(
    script: Path,
    args: list[str] | None = None,
    modules: tuple[str, ...] = DEFAULT_MODULES,
    timeout: float = 240,
    memory: str = "768M",
) -> GuestRun:
    """Boot a guest, run `script <result file> <args...>` in it with the venv's Python, halt.

    Returns the JSON the script wrote (empty dict if none); raises GuestFailed when the guest
    never wrote its exit status (crash or timeout), with the console's tail to say why.
    """
    reason = missing_reason()
    if reason:
        raise UmlUnavailable(reason)
    modules_dir = modules_dir_or_none()
    assert modules_dir is not None
    work = Path(tempfile.mkdtemp(prefix="webgns-uml-"))
    try:
        results_dir = work / "results"
        results_dir.mkdir()
        init = work / "init.sh"
        init.write_text(init_script(script, args or [], results_dir, module_load_order(modules, modules_dir)))
        init.chmod(0o755)
        command = [
            str(UML_KERNEL), f"mem={memory}", f"umid=webgns-{work.name}", f"uml_dir={work}",
            "root=/dev/root", "rootflags=/", "rootfstype=hostfs", "rw", f"init={init}",
            "con=null", "con0=fd:0,fd:1",
        ]  # fmt: skip
        started = time.monotonic()
        console_path = work / "console.txt"
        with open(console_path, "wb") as console_file:
            # A session of its own: UML runs as several host processes, all killed together on timeout.
            guest = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=console_file, stderr=subprocess.STDOUT,
                start_new_session=True, env={**os.environ, "TMPDIR": str(work)},
            )  # fmt: skip
            try:
                guest.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(guest.pid, signal.SIGKILL)
                guest.wait()
        seconds = time.monotonic() - started
        console = console_path.read_text(errors="replace")
        guest_log = _read(results_dir / "guest.log") + _read(results_dir / "init.log")
        status_text = _read(results_dir / "exit_status").strip()
        if not status_text:
            raise GuestFailed(
                f"the UML guest ended without finishing its script after {seconds:.0f} s "
                f"(timeout {timeout:.0f} s).\n--- guest log ---\n{guest_log[-3000:]}\n"
                f"--- console ---\n{console[-3000:]}"
            )
        result_text = _read(results_dir / RESULT_FILE)
        results = json.loads(result_text) if result_text else {}
        return GuestRun(results, int(status_text), guest_log, console, seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
