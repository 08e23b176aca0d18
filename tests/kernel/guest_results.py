"""What a kernel test reads from one guest boot: run a guest script once (skip only where no
backend boots), and pick one recorded outcome, failing with the guest's own error when that part
failed inside the guest. Each test module boots its script once and asserts on the parts."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from .guest_machine import GuestUnavailable, run_in_guest


def boot_and_run(
    script: Path, modules: Sequence[str] | None = None, timeout: float = 300, programs: Sequence[str] = ()
) -> dict:
    """The results `script` recorded in the guest (it must exit 0).

    `programs` are the host's programs the script runs inside the guest (the guest runs the host's
    files): one that is missing fails the test by name, so it never reads as "no packets".
    """
    missing = [program for program in programs if shutil.which(program) is None]
    if missing:
        pytest.fail(f"the kernel test runs {', '.join(missing)} inside the guest, and this host lacks it "
                    "(`make test` installs it: scripts/install-system.sh --test)")  # fmt: skip
    options = {} if modules is None else {"modules": tuple(modules)}
    try:
        run = run_in_guest(script, timeout=timeout, **options)
    except GuestUnavailable as why:
        pytest.skip(str(why))
    assert run.exit_status == 0, f"guest script failed:\n{run.guest_log[-3000:]}"
    return run.results


def outcome_data(results: dict, group: str, name: str) -> dict:
    """The data of `results[group][name]`, asserting the guest ran it and it passed there."""
    outcome = results[group].get(name)
    assert outcome is not None, f"the guest never ran {name}"
    assert outcome["ok"], f"{name} failed inside the guest:\n{outcome['error']}"
    return outcome["data"]
