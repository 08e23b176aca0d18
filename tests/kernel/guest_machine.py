"""One entry point for the kernel tests: run a script in a real kernel that has netem and OVS.

Division of labour: the backends boot (qemu_backend: Debian's kernel under QEMU; uml_backend:
user-mode-linux; native_backend: the host's own kernel in fresh namespaces); this module picks the
first whose probe succeeds, in order of speed, and remembers why the others were passed over so
that the test output can name the backend and a skip can list every reason.
`WEBGNS_KERNEL_BACKEND=qemu|uml|native` forces one (it is still probed, so a wrong choice says why).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from . import native_backend, qemu_backend, uml_backend
from .guest_run import DEFAULT_MODULES, GuestFailed, GuestRun, GuestUnavailable

__all__ = ["GuestFailed", "GuestRun", "GuestUnavailable", "chosen_backend", "run_in_guest"]

# A true result before speed: the host's own kernel where it has everything (it costs nothing), then
# Debian's full kernel under QEMU (boots on every CPU, ~5 s under TCG), and user-mode-linux last:
# it boots only on some CPUs, and Debian's UML kernel lacks bridge VLAN filtering, so its probe
# refuses it wherever it boots at all.
BACKENDS: dict[str, ModuleType] = {"native": native_backend, "qemu": qemu_backend, "uml": uml_backend}


@dataclass
class Choice:
    name: str | None
    passed_over: dict[str, str] = field(default_factory=dict)
    forced: bool = False

    def describe(self) -> str:
        tried = "; ".join(f"{name}: {why}" for name, why in self.passed_over.items())
        untried = [name for name in BACKENDS if name != self.name and name not in self.passed_over]
        if untried:
            why = "WEBGNS_KERNEL_BACKEND chose another" if self.forced else f"ranked after {self.name}"
            later = "; ".join(f"{name}: not tried ({why})" for name in untried)
            tried = f"{tried}; {later}" if tried else later
        if self.name is None:
            return f"no kernel backend can boot here — tried {tried}"
        return f"kernel tests ran on the {self.name} backend" + (f" (passed over {tried})" if tried else "")


@functools.cache
def chosen_backend() -> Choice:
    """The backend for this process: `$WEBGNS_KERNEL_BACKEND` (default auto), probed once."""
    return choose(os.environ.get("WEBGNS_KERNEL_BACKEND", "auto"))


def choose(forced: str) -> Choice:
    if forced != "auto" and forced not in BACKENDS:
        return Choice(None, {forced: f"unknown backend (choose from {', '.join(BACKENDS)} or auto)"})
    names = list(BACKENDS) if forced == "auto" else [forced]
    passed_over: dict[str, str] = {}
    for name in names:
        reason = BACKENDS[name].probe()
        if reason is None:
            return Choice(name, passed_over, forced != "auto")
        passed_over[name] = reason
    return Choice(None, passed_over, forced != "auto")


def run_in_guest(
    script: Path,
    args: list[str] | None = None,
    modules: tuple[str, ...] = DEFAULT_MODULES,
    timeout: float = 240,
    memory_mb: int = 1024,
) -> GuestRun:
    """Run `script <result file> <args...>` with the venv's Python in a real kernel; returns what it wrote.

    Raises GuestUnavailable when no backend boots here (the message lists each and why) and
    GuestFailed when the guest crashed, hung past `timeout` (it is killed) or never reported.
    """
    choice = chosen_backend()
    if choice.name is None:
        raise GuestUnavailable(choice.describe())
    outcome = BACKENDS[choice.name].run(Path(script), args, modules, timeout=timeout, memory_mb=memory_mb)
    outcome.notes.append(choice.describe())
    return outcome
