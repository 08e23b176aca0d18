"""Names, at the end of the run, the kernel backend the kernel tests used and why others were passed over."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    from .guest_machine import chosen_backend

    if chosen_backend.cache_info().currsize:  # only when a kernel test asked for a guest
        terminalreporter.write_line(chosen_backend().describe())
