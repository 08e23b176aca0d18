"""Benchmark of the impairment path: ping RTT and TCP throughput, plain veth vs netem vs tbf.

Division of labour: run on the host, this script boots a real kernel through the kernel-test
harness (tests/kernel/guest_machine.py: QEMU with Debian's kernel, or UML / the host's own kernel
where they work) with itself as the guest script; inside the guest
(`RESULT_JSON --guest`) it measures, between two `ip netns` namespaces, a plain veth (the
baseline of the same run), a netem-delayed veth and rate-limited veths, using the project's own
`apply_impairment`; back on the host it prints the figures side by side. A guest because this
host's kernel has no sch_netem.

    .venv/bin/python bench/bench_impairments.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

# name → (impairment on each end of the veth, what it means)
SCENARIOS: dict[str, tuple[dict, str]] = {
    "plain": ({}, "bare veth (baseline)"),
    "netem delay": ({"delay_ms": 20}, "netem delay 20 ms each way"),
    "tbf rate": ({"rate_kbps": 100_000}, "tbf 100 Mbit/s each way"),
    "netem delay+rate": ({"delay_ms": 20, "rate_kbps": 100_000}, "netem 20 ms + 100 Mbit/s each way"),
}
PINGS = 4
IPERF_SECONDS = 3


def measure_in_guest(result_path: str) -> None:
    from tests.kernel.guest_checks import Pair, ping, sh
    from webgns.compute.impairments import apply_impairment
    from webgns.compute.specs import Impairment

    pair = Pair(7)
    figures = {}
    for name, (values, _meaning) in SCENARIOS.items():
        imp = Impairment.from_dict(values)
        apply_impairment(pair.path_a, "va", imp)
        apply_impairment(pair.path_b, "vb", imp)
        ping(pair.ns_a, pair.addr_b, 1, 1)  # warm-up
        rtt = ping(pair.ns_a, pair.addr_b, PINGS, 1)
        server = subprocess.Popen(
            ["ip", "netns", "exec", pair.ns_b, "iperf3", "-s", "-1", "-B", pair.addr_b],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1)
            out = sh(
                "ip", "netns", "exec", pair.ns_a, "iperf3", "-c", pair.addr_b, "-t", str(IPERF_SECONDS), "-J",
                check=False,
            )  # fmt: skip
        finally:
            server.kill()
            server.wait()
        report = json.loads(out) if out.strip().startswith("{") else {"error": out[-200:]}
        figures[name] = {
            "rtts_ms": rtt["rtts_ms"],
            "tcp_bps": report.get("end", {}).get("sum_received", {}).get("bits_per_second"),
            "retransmits": report.get("end", {}).get("sum_sent", {}).get("retransmits"),
            "error": report.get("error"),
        }
        Path(result_path).write_text(json.dumps(figures))


def print_table(figures: dict, seconds: float, backend: str) -> None:
    header = (
        f"{'scenario':<18} {'impairment (per direction)':<36} {'RTT min/avg/max ms':>22} {'TCP Mbit/s':>11} {'retr':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, (_values, meaning) in SCENARIOS.items():
        found = figures.get(name)
        if not found:
            print(f"{name:<18} {meaning:<36} {'(not measured)':>22}")
            continue
        rtts = found["rtts_ms"]
        rtt = f"{min(rtts):.2f}/{sum(rtts) / len(rtts):.2f}/{max(rtts):.2f}" if rtts else "no replies"
        tcp = f"{found['tcp_bps'] / 1e6:.1f}" if found["tcp_bps"] else f"error: {found['error']}"
        print(f"{name:<18} {meaning:<36} {rtt:>22} {tcp:>11} {found['retransmits'] or 0:>6}")
    print(
        f"\n{backend} guest (1 vCPU), {PINGS} pings at 1 s intervals, iperf3 TCP {IPERF_SECONDS} s; "
        f"whole run {seconds:.0f} s"
    )


def main() -> int:
    if sys.argv[2:] == ["--guest"]:  # inside the guest: the harness passes the result file first
        measure_in_guest(sys.argv[1])
        return 0
    from tests.kernel.guest_machine import GuestUnavailable, run_in_guest

    started = time.monotonic()
    try:
        run = run_in_guest(Path(__file__).resolve(), ["--guest"], timeout=400)
    except GuestUnavailable as why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 2
    if run.exit_status != 0 or not run.results:
        print(f"the guest failed:\n{run.guest_log[-3000:]}", file=sys.stderr)
        return 1
    print_table(run.results, time.monotonic() - started, run.backend)
    return 0


if __name__ == "__main__":
    sys.exit(main())
