"""The engine's kill of an exec's process tree, on plain host processes (no container needed)."""

import subprocess
import time
from pathlib import Path

from webgns.compute.node_pty import _descendants, kill_process_tree


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    # A killed child of ours stays as a zombie ("Z") until reaped; that counts as gone.
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_kill_process_tree_kills_the_process_and_its_descendants():
    shell = subprocess.Popen(["/bin/sh", "-c", "sleep 300 & sleep 301 & wait"])
    deadline = time.monotonic() + 10
    while len(_descendants(shell.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    tree = _descendants(shell.pid)
    assert len(tree) == 3, tree
    kill_process_tree(shell.pid)
    shell.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(pid) for pid in tree), "the shell's children must be killed too"


def test_kill_process_tree_of_a_gone_or_invalid_pid_does_nothing():
    kill_process_tree(0)
    kill_process_tree(-1)
    assert _descendants(2**22 + 1) == []
