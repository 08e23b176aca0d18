"""The record of which container starts ran their startup lines (no Docker needed: it is files)."""

import pytest

from webgns.compute.startup_runs import StartupRuns

CONTAINER = "a" * 64


def test_a_start_is_recorded_once_and_a_new_start_is_not(tmp_path):
    runs = StartupRuns(tmp_path / "startup-runs")
    assert not runs.ran_for(CONTAINER, "2026-12-08T03:00:00.1Z")
    runs.record(CONTAINER, "2026-12-08T03:00:00.1Z")
    assert runs.ran_for(CONTAINER, "2026-12-08T03:00:00.1Z")
    assert not runs.ran_for(CONTAINER, "2026-12-08T03:05:00.2Z"), "a restart is a new start"
    assert not runs.ran_for("b" * 64, "2026-12-08T03:00:00.1Z")
    runs.forget(CONTAINER)
    assert not runs.ran_for(CONTAINER, "2026-12-08T03:00:00.1Z")
    runs.forget(CONTAINER)  # idempotent


def test_without_a_start_time_nothing_counts_as_run(tmp_path):
    runs = StartupRuns(tmp_path)
    runs.record(CONTAINER, "")
    assert not runs.ran_for(CONTAINER, "")


def test_only_container_ids_name_files(tmp_path):
    runs = StartupRuns(tmp_path)
    with pytest.raises(ValueError):
        runs.record("../../etc/passwd", "now")
    assert not runs.ran_for("../x", "now")
