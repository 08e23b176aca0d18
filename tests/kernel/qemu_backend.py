"""Boot Debian's own kernel in QEMU with the host's `/` as the guest's root, and run one script in it.

Division of labour: debian_kernel.py prepares the kernel and the initramfs; this module writes the
run's stage-two init, starts QEMU and reads the results back (through guest_run). The guest sees
the host's `/` over virtio-9p, read-only, under a tmpfs overlay: the project's venv and code run
unchanged inside, and nothing the guest writes reaches the host except the results share. The
guest has no network card, so no traffic leaves it.

Software emulation (TCG) by default. KVM is used only where a short probe boot proves it works:
on some hosts `/dev/kvm` exists yet a guest fails mid-boot and QEMU stays paused, so the probe has
a hard timeout and its verdict is remembered for the process.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import tempfile
from pathlib import Path

from .debian_kernel import Kernel, KernelUnavailable, ensure_initramfs, ensure_kernel
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

QEMU = shutil.which("qemu-system-x86_64") or "/usr/bin/qemu-system-x86_64"
RESULTS = "/run/results"
KVM_PROBE_TIMEOUT = 25.0


def missing_reason() -> str | None:
    """Why QEMU cannot be tried at all here (None when it can)."""
    if not Path(QEMU).exists():
        return "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
    return None


def prepared_kernel() -> tuple[Kernel, Path]:
    try:
        kernel = ensure_kernel()
        return kernel, ensure_initramfs(kernel)
    except KernelUnavailable as error:
        raise GuestUnavailable(f"Debian's kernel is not ready: {error}") from error


def stage_two(kernel: Kernel, script: Path, args: list[str], modules: tuple[str, ...]) -> str:
    modules_dir = shlex.quote(str(kernel.modules_dir))
    lines = script_lines(script, args, RESULTS, str(script_repo(script)), guest_python())
    return f"""#!/bin/sh
# Stage two (PID 1 after switch_root): the host's / read-only under a tmpfs overlay.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /run/netns /run/lock
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
# The host has no modules for this kernel: lend it the cached tree so modprobe and autoload work.
mkdir -p /lib/modules/{kernel.version}
mount --bind {modules_dir} /lib/modules/{kernel.version}
modprobe -a {" ".join(modules)} > {RESULTS}/init.log 2>&1 || echo "modprobe failed: $?" >> {RESULTS}/init.log
{lines}
/bin/busybox poweroff -f
"""


def script_repo(script: Path) -> Path:
    """The checkout a script belongs to (its imports resolve from there), the same path inside the guest."""
    return REPO_ROOT if script.resolve().is_relative_to(REPO_ROOT) else script.resolve().parent


def qemu_command(kernel: Kernel, initramfs: Path, results: Path, memory_mb: int, accel: str) -> list[str]:
    accel_args = ["-accel", "kvm", "-cpu", "host"] if accel == "kvm" else [
        "-accel", "tcg,thread=multi,tb-size=64", "-cpu", "max"]  # fmt: skip
    return [
        QEMU, *accel_args, "-smp", "1", "-m", str(memory_mb),
        "-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none", "-no-reboot",
        "-serial", "stdio",
        "-kernel", str(kernel.vmlinux), "-initrd", str(initramfs),
        "-append", "console=ttyS0 quiet loglevel=3 panic=-1",
        "-fsdev", "local,id=r,path=/,security_model=passthrough,readonly=on,multidevs=remap",
        "-device", "virtio-9p-pci,fsdev=r,mount_tag=root",
        "-fsdev", f"local,id=o,path={results},security_model=passthrough",
        "-device", "virtio-9p-pci,fsdev=o,mount_tag=results",
    ]  # fmt: skip


def run(
    script: Path,
    args: list[str] | None = None,
    modules: tuple[str, ...] = DEFAULT_MODULES,
    timeout: float = 240,
    memory_mb: int = 1024,
    accel: str | None = None,
) -> GuestRun:
    """Boot a guest, run `script <result file> <args...>` in it with the venv's Python, power off."""
    reason = missing_reason()
    if reason:
        raise GuestUnavailable(reason)
    kernel, initramfs = prepared_kernel()
    accel = accel or chosen_accel()
    work = Path(tempfile.mkdtemp(prefix="webgns-qemu-"))
    try:
        results = work / "results"
        results.mkdir()
        init = results / "init.sh"
        init.write_text(stage_two(kernel, Path(script).resolve(), args or [], modules))
        init.chmod(0o755)
        outcome = run_guest_process(
            qemu_command(kernel, initramfs, results, memory_mb, accel), work, results, timeout, f"qemu-{accel}"
        )
        outcome.guest_log += read_init_log(results)
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


def read_init_log(results: Path) -> str:
    text = read_text(results / "init.log")
    return f"\n--- init ---\n{text}" if text.strip() else ""


@functools.cache
def chosen_accel() -> str:
    """`kvm` where a probe boot under KVM reports back in time; `tcg` otherwise (and by default)."""
    wanted = os.environ.get("WEBGNS_KERNEL_ACCEL", "auto")
    if wanted in ("tcg", "kvm"):
        return wanted
    if not kvm_worth_probing():
        return "tcg"
    return "kvm" if probe(accel="kvm") is None else "tcg"


def kvm_worth_probing() -> bool:
    """Hardware virtualisation is advertised: without vmx/svm, /dev/kvm is a paravirtual layer that fails here."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    flags = Path("/proc/cpuinfo").read_text().split()
    return "vmx" in flags or "svm" in flags


@functools.cache
def probe(accel: str | None = None) -> str | None:
    """None when a guest boots and its kernel has every feature the tests need; otherwise why not."""
    reason = missing_reason()
    if reason:
        return reason
    accel = accel or chosen_accel()
    try:
        outcome = run(PROBE_SCRIPT, [], PROBE_MODULES, timeout=KVM_PROBE_TIMEOUT if accel == "kvm" else 90,
                      memory_mb=512, accel=accel)  # fmt: skip
    except (GuestUnavailable, GuestFailed) as error:
        return short_reason(str(error))
    return probe_verdict(outcome)
