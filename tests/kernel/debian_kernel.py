"""Debian's own kernel, fetched once into a cache folder, and a tiny initramfs for booting it in QEMU.

Division of labour: this module only prepares files — the versioned `linux-image-*` package that
`linux-image-amd64` names (`apt-get download`, `dpkg-deb -x`, `depmod -b`), an uncompressed ELF
`vmlinux` that QEMU boots directly (decompressing bzImage under TCG is slow), and an initramfs of
busybox-static plus the modules needed to mount the host's `/` over virtio-9p. qemu_backend.py
boots them. Nothing is written to the host's /boot or /lib/modules: everything lives under
`$WEBGNS_KERNEL_CACHE` (default /var/cache/webgns/kernel), kept between runs and between clones,
so a second `make test` downloads nothing.

Run as a script (`python -m tests.kernel.debian_kernel`) it fetches what is missing and prints
where it is; `make test` does that before the tests.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("WEBGNS_KERNEL_CACHE", "/var/cache/webgns/kernel"))
META_PACKAGE = os.environ.get("WEBGNS_KERNEL_PACKAGE", "linux-image-amd64")
BUSYBOX = Path("/bin/busybox")
READY = "ready"
XZ_MAGIC = b"\xfd7zXZ\x00"

# What stage one needs to reach the host's filesystem; their dependencies come from modules.dep.
INITRAMFS_MODULES = ("virtio_pci", "9pnet_virtio", "9p", "overlay")


class KernelUnavailable(RuntimeError):
    """Debian's kernel package could not be had here; the message says which step failed."""


@dataclass(frozen=True)
class Kernel:
    version: str  # e.g. 6.1.0-57-amd64
    root: Path  # the unpacked package: boot/, lib/modules/<version>/
    vmlinux: Path

    @property
    def modules_dir(self) -> Path:
        return self.root / "lib" / "modules" / self.version


def _run(*command: str, cwd: Path | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise KernelUnavailable(f"`{' '.join(command)}` failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done.stdout


def versioned_package() -> str:
    """The package `linux-image-amd64` depends on (e.g. linux-image-6.1.0-57-amd64)."""
    if META_PACKAGE != "linux-image-amd64" and not META_PACKAGE.endswith("-amd64"):
        return META_PACKAGE
    for attempt in range(2):
        out = subprocess.run(["apt-cache", "depends", META_PACKAGE], capture_output=True, text=True).stdout
        for line in out.splitlines():
            word = line.strip().removeprefix("Depends:").strip()
            if line.strip().startswith("Depends:") and word.startswith("linux-image-"):
                return word
        if attempt == 0 and os.geteuid() == 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=600)  # lists may be empty
    raise KernelUnavailable(f"apt-cache names no kernel package for {META_PACKAGE} (is apt's list empty?)")


def cached_kernels() -> list[Kernel]:
    found = []
    for ready in sorted(CACHE_ROOT.glob(f"*/{READY}")):
        version = ready.read_text().strip()
        found.append(Kernel(version, ready.parent, ready.parent / "vmlinux"))
    return found


def ensure_kernel() -> Kernel:
    """The cached kernel, fetching and unpacking it first when missing (needs apt and root)."""
    try:
        package = versioned_package()
    except KernelUnavailable:
        cached = cached_kernels()
        if cached:  # offline, or no apt lists: what was fetched before still boots
            return cached[-1]
        raise
    root = CACHE_ROOT / package
    if (root / READY).exists():
        version = (root / READY).read_text().strip()
        return Kernel(version, root, root / "vmlinux")
    print(f"kernel tests: fetching Debian's {package} into {root} (once)", file=sys.stderr)
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE_ROOT) as scratch:
        scratch_dir = Path(scratch)
        _run("apt-get", "download", "-q", package, cwd=scratch_dir)
        debs = list(scratch_dir.glob("*.deb"))
        if not debs:
            raise KernelUnavailable(f"apt-get download {package} left no .deb")
        unpacked = scratch_dir / "root"
        _run("dpkg-deb", "-x", str(debs[0]), str(unpacked))
        versions = [p.name for p in (unpacked / "lib" / "modules").iterdir()]
        if len(versions) != 1:
            raise KernelUnavailable(f"{package} holds {len(versions)} module trees, expected one")
        version = versions[0]
        _run("depmod", "-b", str(unpacked), version)
        vmlinuz = unpacked / "boot" / f"vmlinuz-{version}"
        (unpacked / "vmlinux").write_bytes(extract_vmlinux(vmlinuz.read_bytes()))
        vmlinuz.unlink()  # the ELF is what boots; the bzImage would only take room
        (unpacked / READY).write_text(version + "\n")
        shutil.rmtree(root, ignore_errors=True)
        unpacked.rename(root)
    return Kernel(version, root, root / "vmlinux")


def extract_vmlinux(bzimage: bytes) -> bytes:
    """The ELF inside a bzImage whose payload is xz-compressed (Debian's amd64 kernels are)."""
    start = bzimage.find(XZ_MAGIC)
    while start != -1:
        try:
            elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(bzimage[start:])
        except lzma.LZMAError:
            elf = b""
        if elf.startswith(b"\x7fELF"):
            return elf
        start = bzimage.find(XZ_MAGIC, start + 1)
    raise KernelUnavailable("no xz-compressed ELF found in the kernel image")


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
            raise KernelUnavailable(f"the kernel has no {name} module in {modules_dir}")
        visit(by_name[name])
    return [modules_dir / target for target in ordered]


STAGE_ONE = """#!/bin/busybox sh
# Stage one (PID 1 in the initramfs): reach the host's / over 9p, read-only, under a tmpfs overlay,
# then hand over to the run's own init script, which the harness put in the results share.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod "/modules/$m" || echo "stage one: insmod $m failed"; done
mkdir -p /lower /rw /newroot
fail() { echo "stage one: $1 failed"; poweroff -f; }
share=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o $share,ro root /lower || fail "9p root"
mount -t tmpfs -o size=70% tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot || fail overlay
mount -t tmpfs tmpfs /newroot/run
mkdir -p /newroot/run/results
mount -t 9p -o $share results /newroot/run/results || fail "results share"
umount /proc /sys /dev 2>/dev/null
exec switch_root /newroot /bin/sh /run/results/init.sh
echo "stage one: switch_root failed"
poweroff -f
"""


def ensure_initramfs(kernel: Kernel) -> Path:
    """A gzip'd newc cpio with busybox, the 9p/virtio/overlay modules and STAGE_ONE as /init."""
    modules = module_load_order(INITRAMFS_MODULES, kernel.modules_dir)
    if not BUSYBOX.exists():
        raise KernelUnavailable(f"{BUSYBOX} is missing (apt-get install busybox-static)")
    busybox = BUSYBOX.read_bytes()
    key = hashlib.sha256(STAGE_ONE.encode() + busybox + "\n".join(m.name for m in modules).encode()).hexdigest()[:16]
    path = kernel.root / f"initramfs-{key}.cpio.gz"
    if path.exists():
        return path
    archive = CpioWriter()
    for directory in ("bin", "proc", "sys", "dev", "modules"):
        archive.add(directory, b"", 0o040755)
    archive.add("bin/busybox", busybox, 0o100755)
    archive.add("init", STAGE_ONE.encode(), 0o100755)
    names = []
    for module in modules:
        data = module.read_bytes()
        if module.name.endswith(".xz"):
            data = lzma.decompress(data)
        elif module.name.endswith(".zst"):
            raise KernelUnavailable(f"{module.name}: zstd-compressed modules are not handled")
        name = module.name.removesuffix(".xz")
        archive.add(f"modules/{name}", data, 0o100644)
        names.append(name)
    archive.add("modules.order", ("\n".join(names) + "\n").encode(), 0o100644)
    scratch = path.with_suffix(".tmp")
    scratch.write_bytes(gzip.compress(archive.finish(), compresslevel=1))
    scratch.rename(path)
    return path


class CpioWriter:
    """The newc ("070701") format the kernel unpacks an initramfs from; a few files, all in memory."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.inode = 1

    def add(self, name: str, data: bytes, mode: int) -> None:
        encoded = name.encode() + b"\0"
        fields = (self.inode, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0)
        self.buffer.write(b"070701" + b"".join(f"{value:08x}".encode() for value in fields))
        self.buffer.write(encoded)
        self._pad()
        self.buffer.write(data)
        self._pad()
        self.inode += 1

    def _pad(self) -> None:
        self.buffer.write(b"\0" * (-self.buffer.tell() % 4))

    def finish(self) -> bytes:
        self.add("TRAILER!!!", b"", 0)
        return self.buffer.getvalue()


if __name__ == "__main__":
    try:
        ready = ensure_kernel()
        initramfs = ensure_initramfs(ready)
    except KernelUnavailable as error:
        print(f"kernel tests: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"kernel tests: Debian kernel {ready.version} ready in {ready.root} ({initramfs.name})")
