"""Runs INSIDE a kernel-test guest (or the host's own kernel) as its backend's probe: proves that
the kernel boots, that the project's Python runs there, and that the kernel has every feature the
kernel-test suite needs. A backend whose kernel lacks one is not offered: its tests could only
fail or read as "no packets" (Debian's user-mode-linux kernel has no bridge VLAN filtering).

Usage: probe_guest.py RESULT_JSON   — exits 0 when nothing is lacking, 1 otherwise (lacks listed).
"""

import json
import os
import platform
import subprocess
import sys

# (feature, the shell lines that need it); each runs in a throwaway network namespace.
FEATURES = (
    ("veth", "ip link add wgp0 type veth peer name wgp1"),
    ("sch_netem", "ip link add wgp0 type veth peer name wgp1 && tc qdisc replace dev wgp0 root netem delay 1ms"),
    ("sch_tbf", "ip link add wgp0 type veth peer name wgp1 && "
                "tc qdisc replace dev wgp0 root tbf rate 1mbit burst 10k latency 10ms"),
    ("sch_htb", "ip link add wgp0 type veth peer name wgp1 && tc qdisc replace dev wgp0 root handle 1: htb"),
    ("bridge VLAN filtering", "ip link add wgpbr type bridge vlan_filtering 1"),
)  # fmt: skip


def lacking() -> list[str]:
    missing = []
    for feature, lines in FEATURES:
        done = subprocess.run(["unshare", "--net", "sh", "-c", lines], capture_output=True, text=True)
        if done.returncode != 0:
            missing.append(f"{feature} ({done.stderr.strip()[:120]})")
    if not os.path.exists("/sys/module/openvswitch"):
        missing.append("the openvswitch kernel module")
    return missing


def main(result_path: str) -> int:
    missing = lacking()
    with open(result_path, "w") as result:
        json.dump({"kernel": platform.release(), "lacks": missing}, result)
    if missing:
        print("this kernel lacks: " + "; ".join(missing))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
