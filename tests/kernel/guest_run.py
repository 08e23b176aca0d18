"""What every kernel-test backend shares: the result of a run, its errors, and the guest's init.

Division of labour: a backend (qemu_backend, uml_backend, native_backend) knows how to start a
kernel and stop it; this module knows what the guest's init does once the root filesystem is
there (mount the pseudo-filesystems, load modules, run the script, write its status and output
into the results folder) and how the host reads that back. guest_machine.py chooses a backend.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULT_FILE = "result.json"
# What impairments and OVS need, by module name; the guest's modprobe resolves dependencies.
DEFAULT_MODULES = ("veth", "sch_netem", "sch_tbf", "sch_htb", "openvswitch")
# A backend's probe loads every module any kernel test asks for, then checks what the kernel can do.
PROBE_MODULES = (*DEFAULT_MODULES, "bridge")
PROBE_SCRIPT = Path(__file__).with_name("probe_guest.py")
CONSOLE_TAIL = 3000


class GuestUnavailable(RuntimeError):
    """This backend cannot boot here; the message says what is missing or what failed."""


class GuestFailed(AssertionError):
    """The guest did not report its script's status; the message carries its console's tail."""


@dataclass
class GuestRun:
    results: dict
    exit_status: int | None
    guest_log: str
    console: str
    seconds: float
    backend: str = ""
    notes: list[str] = field(default_factory=list)


def guest_python() -> str:
    """The project's virtualenv interpreter, located from this checkout (CI clones elsewhere)."""
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv_python if venv_python.exists() else Path(sys.executable))


def script_lines(script: Path, args: list[str], results_dir: str, repo_dir: str, python: str) -> str:
    """Shell lines that run the script and record its status: the part of every init that is the same."""
    quoted_args = " ".join(shlex.quote(a) for a in args)
    return f"""export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp PYTHONDONTWRITEBYTECODE=1 PYTHONPATH={shlex.quote(repo_dir)}
ip link set lo up
cd {shlex.quote(repo_dir)}
{shlex.quote(python)} {shlex.quote(str(script))} {results_dir}/{RESULT_FILE} {quoted_args} \\
    > {results_dir}/guest.log 2>&1
echo $? > {results_dir}/exit_status.tmp
mv {results_dir}/exit_status.tmp {results_dir}/exit_status
sync
"""


def run_guest_process(
    command: list[str], work: Path, results_dir: Path, timeout: float, backend: str, env: dict | None = None
) -> GuestRun:
    """Start `command` in a session of its own, wait at most `timeout`, kill the whole session, read results.

    Raises GuestFailed when the guest never wrote its exit status (crash, panic, hang), with the
    end of its console so that the failure says why.
    """
    started = time.monotonic()
    console_path = work / "console.txt"
    timed_out = False
    with open(console_path, "wb") as console_file:
        guest = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=console_file, stderr=subprocess.STDOUT,
            start_new_session=True, env={**os.environ, "TMPDIR": str(work), **(env or {})},
        )  # fmt: skip
        try:
            guest.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            kill_session(guest)
    seconds = time.monotonic() - started
    console = read_text(console_path)
    guest_log = read_text(results_dir / "guest.log")
    status_text = read_text(results_dir / "exit_status").strip()
    if not status_text:
        why = f"timed out after {timeout:.0f} s and was killed" if timed_out else f"exited ({guest.returncode})"
        raise GuestFailed(
            f"the {backend} guest {why} without reporting its script's status ({seconds:.0f} s)."
            f"\n--- guest log ---\n{guest_log[-CONSOLE_TAIL:]}\n--- console ---\n{console[-CONSOLE_TAIL:]}"
        )
    result_text = read_text(results_dir / RESULT_FILE)
    try:
        results = json.loads(result_text) if result_text else {}
    except json.JSONDecodeError:
        results = {}
    return GuestRun(results, int(status_text), guest_log, console, seconds, backend)


def kill_session(process: subprocess.Popen) -> None:
    """Kill the process and everything it started (a guest may be several host processes)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def read_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def probe_verdict(outcome: GuestRun) -> str | None:
    """None when the probe script found every feature; otherwise what the kernel lacks, in words."""
    if outcome.exit_status == 0:
        return None
    lacks = outcome.results.get("lacks") if isinstance(outcome.results, dict) else None
    if lacks:
        return "its kernel lacks " + "; ".join(lacks) + " (the kernel tests need it)"
    return f"the probe script exited {outcome.exit_status}: {outcome.guest_log[-800:]}"


def short_reason(message: str) -> str:
    """A failed boot's reason in a few lines: the panic or the timeout, not the whole console."""
    lines = message.splitlines()
    words = ("panic", "failed", "error", "timed out")
    telling = [line for line in lines if not line.lstrip().startswith("[<") and any(w in line.lower() for w in words)]
    return "\n".join((telling or lines)[:6])[:1500]
