"""TCP through a lab link, measured with the machine's iperf3 run inside two network namespaces:
the one iperf3 driver of the host-side tests (guest scripts and benches carry their own, since
they run outside pytest or inside the kernel guest)."""

import json
import shutil
import subprocess
import time

import pytest


def iperf3_tcp(server_netns: str, client_netns: str, address: str, seconds: int = 2) -> dict:
    """iperf3's JSON report of TCP from `client_netns` to a one-shot server on `address` in
    `server_netns` (namespace paths: /proc/<pid>/ns/net or /run/netns/<name>)."""
    if shutil.which("iperf3") is None:
        pytest.skip(reason="needs iperf3 on the machine (apt-get install iperf3) to push TCP through the link")
    server = subprocess.Popen(["nsenter", f"--net={server_netns}", "iperf3", "-s", "-1", "-B", address],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        report: dict = {"error": "never ran"}
        for _ in range(50):  # until the server listens
            done = subprocess.run(["nsenter", f"--net={client_netns}", "iperf3", "-c", address, "-t", str(seconds),
                                   "-J"], capture_output=True, text=True, timeout=seconds + 60)  # fmt: skip
            report = json.loads(done.stdout or "{}")
            if "error" not in report:
                return report
            time.sleep(0.1)
        raise AssertionError(f"iperf3 never connected: {report.get('error')}")
    finally:
        server.kill()
        server.wait()


def received_bps(report: dict) -> float:
    return report["end"]["sum_received"]["bits_per_second"]
