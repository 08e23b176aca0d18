"""The `webgns` console script named in pyproject.toml resolves, and usage errors exit 2."""

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_console_script_resolves():
    target = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["webgns"]
    module, _, name = target.partition(":")
    assert callable(getattr(importlib.import_module(module), name))


def test_usage_and_login_exit_codes(tmp_path):
    env = {"WEBGNS_CONFIG": str(tmp_path / "none.json"), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "webgns.cli"]
    assert subprocess.run([*run, "exec", "lab"], cwd=ROOT, env=env, capture_output=True).returncode == 2
    missing = subprocess.run([*run, "ps", "lab"], cwd=ROOT, env=env, capture_output=True)
    assert missing.returncode == 4 and b"webgns login" in missing.stderr
    unreachable = subprocess.run([*run, "login", "http://127.0.0.1:9", "--token", "x"], cwd=ROOT, env=env,
                                 capture_output=True)
    assert unreachable.returncode == 5
