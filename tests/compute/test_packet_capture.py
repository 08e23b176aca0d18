"""Packet capture on real link ends of real busybox nodes: the packets, the filter, the endings.

Each test builds its own two-node lab (`lab` fixture: removed afterwards) and reads the file back
with Wireshark's own `tshark`, so what is asserted is what a user's Wireshark would show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.conftest import wait_for
from webgns.compute.packet_capture import (
    INTERFACE_GONE,
    NODE_GONE,
    PACKET_LIMIT,
    STOPPED,
    CaptureFailed,
    CaptureLimits,
    PacketCapture,
)
from webgns.packets.bpf import FilterError, compile_filter

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (Debian package tshark)")


def _fields(path: Path, *fields: str, display_filter: str = "") -> list[list[str]]:
    command = ["tshark", "-n", "-r", str(path), "-T", "fields", *[a for f in fields for a in ("-e", f)]]
    if display_filter:
        command += ["-Y", display_filter]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


class Running:
    """A capture in a thread of its own, as the worker runs it."""

    def __init__(self, capture: PacketCapture) -> None:
        self.capture = capture
        capture.open()
        self.result = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.result = self.capture.run()

    def stop(self):
        self.capture.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()
        return self.result


def _pair(lab, subnet: str = "10.70.0"):
    a, b = lab.node("pc1"), lab.node("pc2")
    link = lab.link(a, "eth0", b, "eth0")
    lab.start()
    lab.plumb()
    lab.address(a, f"{subnet}.1/24")
    lab.address(b, f"{subnet}.2/24")
    return a, b, link


def _open_sockets() -> set[str]:
    links = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue
    return links


def test_ping_is_captured_and_decoded(lab, engine, tmp_path):
    a, b, link = _pair(lab)
    end = engine.link_end(link, lab.nodes, 0)
    running = Running(PacketCapture(end.netns, end.ifname, str(tmp_path / "a.pcapng"), description="pc1 eth0"))
    sock = f"socket:[{os.fstat(running.capture._sock.fileno()).st_ino}]"
    assert sock in _open_sockets()
    lab.sh(a, "ping -c 5 -i 0.2 10.70.0.2")
    result = running.stop()
    assert result.reason == STOPPED

    icmp = _fields(tmp_path / "a.pcapng", "icmp.type", "ip.src", "ip.dst", display_filter="icmp")
    expected = [("8", "10.70.0.1", "10.70.0.2")] * 5 + [("0", "10.70.0.2", "10.70.0.1")] * 5
    assert sorted(map(tuple, icmp)) == sorted(expected)
    assert _fields(tmp_path / "a.pcapng", "arp.opcode", display_filter="arp"), "ARP resolves pc2 first"
    assert result.packets == len(_fields(tmp_path / "a.pcapng", "frame.number"))
    # Direction from the end's point of view: pc1 sent the requests.
    flags = _fields(tmp_path / "a.pcapng", "frame.packet_flags_direction", display_filter="icmp.type == 8")
    assert {int(f[0], 0) for f in flags} == {2}
    assert sock not in _open_sockets(), "the packet socket is closed"
    assert str(tmp_path / "a.pcapng") not in _open_sockets(), "the file is closed"


def test_bpf_filter_excludes_arp(lab, engine, tmp_path):
    a, b, link = _pair(lab, "10.70.1")
    end = engine.link_end(link, lab.nodes, 1)
    running = Running(PacketCapture(end.netns, end.ifname, str(tmp_path / "b.pcapng"), compile_filter("icmp")))
    lab.sh(b, "ping -c 3 -i 0.2 10.70.1.1")
    result = running.stop()
    protocols = {row[0] for row in _fields(tmp_path / "b.pcapng", "_ws.col.Protocol")}
    assert protocols == {"ICMP"}
    assert result.packets == 6


def test_bad_filter_says_why():
    with pytest.raises(FilterError, match="syntax error"):
        compile_filter("icmp andd arp")


def test_packet_limit_ends_the_capture(lab, engine, tmp_path):
    a, b, link = _pair(lab, "10.70.2")
    end = engine.link_end(link, lab.nodes, 0)
    running = Running(PacketCapture(end.netns, end.ifname, str(tmp_path / "c.pcapng"), compile_filter("icmp"),
                                    CaptureLimits(packets=4)))
    lab.sh(a, "ping -c 5 -i 0.2 10.70.2.2")
    running.thread.join(10)
    assert running.result.reason == PACKET_LIMIT
    assert len(_fields(tmp_path / "c.pcapng", "frame.number")) == 4


def test_deleting_the_link_ends_the_capture(lab, engine, tmp_path):
    a, b, link = _pair(lab, "10.70.3")
    end = engine.link_end(link, lab.nodes, 0)
    running = Running(PacketCapture(end.netns, end.ifname, str(tmp_path / "d.pcapng")))
    engine.remove_link(link, lab.nodes)
    running.thread.join(10)
    assert running.result is not None and running.result.reason == INTERFACE_GONE


def test_stopping_the_node_ends_the_capture(lab, engine, tmp_path):
    a, b, link = _pair(lab, "10.70.4")
    end = engine.link_end(link, lab.nodes, 1)
    running = Running(PacketCapture(end.netns, end.ifname, str(tmp_path / "e.pcapng")))
    engine.stop_node(b)  # no links given: nothing parked, the namespace's process goes
    wait_for(lambda: running.result is not None, 20, what="the capture to end")
    assert running.result.reason in (NODE_GONE, INTERFACE_GONE)


def test_missing_interface_is_refused(lab, engine, tmp_path):
    a, b, link = _pair(lab, "10.70.5")
    end = engine.link_end(link, lab.nodes, 0)
    with pytest.raises(CaptureFailed, match="eth7"):
        PacketCapture(end.netns, "eth7", str(tmp_path / "f.pcapng")).open()
