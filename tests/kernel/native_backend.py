"""Run a kernel-test script on the host's own kernel, where that kernel has what the tests need.

Division of labour: like the other backends this module only starts and stops; guest_run.py reads
the results. On a stock Debian/Ubuntu host, sch_netem and openvswitch exist as modules, and the
quickest "real kernel" is the host's own. The script runs in fresh mount, network and PID
namespaces (`unshare`), with tmpfs on /run, so `ip netns`, OVS daemons and links it makes stay
inside and die with it: PID 1 of the namespace exiting or being killed ends every process in it.
"""

from __future__ import annotations

import functools
import json
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from .guest_run import (
    DEFAULT_MODULES,
    PROBE_MODULES,
    PROBE_SCRIPT,
    GuestRun,
    GuestUnavailable,
    guest_python,
    probe_verdict,
    read_text,
    run_guest_process,
    script_lines,
)

RESULTS = "/run/results"


@functools.cache
def probe(modules: tuple[str, ...] = DEFAULT_MODULES) -> str | None:
    """None when the host's kernel has every feature the kernel tests need; otherwise what it lacks."""
    if not shutil.which("unshare"):
        return "unshare (util-linux) is missing"
    for module in PROBE_MODULES:  # where the kernel loads modules, this is what makes them available
        subprocess.run(["modprobe", "-q", module], capture_output=True, check=False)
    with tempfile.TemporaryDirectory(prefix="webgns-native-probe-") as work:
        result = Path(work) / "result.json"
        done = subprocess.run([guest_python(), str(PROBE_SCRIPT), str(result)], capture_output=True, text=True)
        outcome = GuestRun(json.loads(read_text(result) or "{}"), done.returncode, done.stdout + done.stderr, "", 0)
    verdict = probe_verdict(outcome)
    return verdict.replace("its kernel", "the host's kernel") if verdict else None


def run(
    script: Path,
    args: list[str] | None = None,
    modules: tuple[str, ...] = DEFAULT_MODULES,
    timeout: float = 240,
    memory_mb: int = 0,  # the host's memory: nothing to size
) -> GuestRun:
    """Run `script <result file> <args...>` in fresh namespaces on the host's kernel."""
    reason = probe(tuple(modules))
    if reason:
        raise GuestUnavailable(reason)
    work = Path(tempfile.mkdtemp(prefix="webgns-native-"))
    try:
        results = work / "results"
        results.mkdir()
        init = results / "init.sh"
        repo = str(Path(__file__).resolve().parents[2])
        init.write_text(f"""#!/bin/sh
# PID 1 of fresh mount/net/pid namespaces on the host's kernel: mounts made here stay here.
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mkdir -p {RESULTS} /run/netns /run/lock
mount --bind {shlex.quote(str(results))} {RESULTS}
{script_lines(Path(script).resolve(), args or [], RESULTS, repo, guest_python())}
""")
        command = ["unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc", "sh", str(init)]
        outcome = run_guest_process(command, work, results, timeout, "native")
        outcome.guest_log += read_text(results / "init.log")
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)
