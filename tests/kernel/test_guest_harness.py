"""The kernel-test harness itself: a guest's status comes back, a hung guest is killed at its timeout.

Runs on whichever backend guest_machine chose (QEMU here), so it also proves that backend reports
failures instead of hanging the suite.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from .guest_machine import GuestFailed, choose, chosen_backend, run_in_guest

pytestmark = pytest.mark.kernel


def processes_mentioning(word: str) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if word.encode() in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def backend() -> str:
    choice = chosen_backend()
    if choice.name is None:
        pytest.skip(choice.describe())
    return choice.name


def write_script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "guest_script.py"
    script.write_text(body)
    return script


def test_a_script_that_exits_non_zero_reports_that_status(backend, tmp_path):
    script = write_script(tmp_path, "import json, sys\njson.dump({'seen': 41}, open(sys.argv[1], 'w'))\n"
                                    "print('leaving with 3')\nsys.exit(3)\n")  # fmt: skip
    run = run_in_guest(script, modules=("veth",), timeout=120, memory_mb=512)
    assert run.exit_status == 3
    assert run.results == {"seen": 41}
    assert "leaving with 3" in run.guest_log
    assert run.backend.startswith(backend)


def test_a_hung_guest_is_killed_at_its_timeout_and_leaves_no_process(backend, tmp_path):
    marker = f"webgns-hang-{os.getpid()}-{time.monotonic_ns()}"
    script = write_script(tmp_path, f"import time\n# {marker}\nwhile True:\n    time.sleep(1)\n")
    before = processes_mentioning("webgns-qemu-") | processes_mentioning("webgns-uml-")
    started = time.monotonic()
    with pytest.raises(GuestFailed, match=r"timed out after 20 s and was killed"):
        run_in_guest(script, modules=("veth",), timeout=20, memory_mb=512)
    assert time.monotonic() - started < 40
    after = processes_mentioning("webgns-qemu-") | processes_mentioning("webgns-uml-")
    assert after <= before, f"left running: {after - before}"
    assert not processes_mentioning(marker) - {os.getpid()}


def test_a_backend_that_cannot_boot_says_why():
    unknown = choose("vax")
    assert unknown.name is None and "vax: unknown backend" in unknown.describe()
    forced = choose("native")  # this host's kernel lacks netem: the reason names what is missing
    if forced.name is None:
        assert "no kernel backend can boot here" in forced.describe()
        assert "netem" in forced.passed_over["native"] or "openvswitch" in forced.passed_over["native"]


def test_the_full_kernel_comes_before_uml_and_the_untried_are_named():
    from .guest_machine import BACKENDS, Choice

    assert list(BACKENDS) == ["native", "qemu", "uml"]
    described = Choice("qemu", {"native": "the host's kernel lacks sch_netem"}).describe()
    assert "ran on the qemu backend" in described and "native: the host's kernel lacks sch_netem" in described
    assert "uml: not tried" in described



def test_a_program_the_guest_needs_and_the_host_lacks_fails_by_name(tmp_path):
    from .guest_results import boot_and_run

    with pytest.raises(pytest.fail.Exception, match="webgns-no-such-tool"):
        boot_and_run(tmp_path / "never_booted.py", programs=("ip", "webgns-no-such-tool"))
