"""Interface offloads and per-interface sysctls that links to an OVS userspace bridge need.

Division of labour: `ovs_switch` attaches host-namespace veth ends to a bridge; before that, this
module makes those ends safe and correct:
- TX checksum offload off (ethtool's ETHTOOL_STXCSUM ioctl): the userspace datapath forwards
  packets with the checksum still "to be filled in by hardware", so TCP segments arrive with a
  bad checksum and are dropped while ping (software checksums) works;
- GRO off on a VXLAN port (ETHTOOL_SGRO): the kernel merges the segments it decapsulates into one
  large frame before the packet socket sees it, and the userspace datapath cannot split it for a
  1500-byte port, so TCP from the far host crawled (measured 0.2 Mbit/s);
- the host stack kept out of host-namespace ends. The userspace datapath reads a port through a
  packet socket, and the kernel still hands every frame to the host's own IP stack too: a node
  that forged an ARP entry naming the port's MAC reached UDP listeners on any host address (seen:
  7 datagrams received, pings answered). So: strict reverse-path filtering (rp_filter=1: these
  ports have no address and no route, so no source passes), no forwarding from them, no ARP
  answers (arp_ignore=8, arp_announce=2), IPv6 off. OVS still sees every frame: packet sockets
  take frames before the IP stack.
"""

from __future__ import annotations

import ctypes
import fcntl
import struct

from webgns.compute.errors import LinkFailed
from webgns.compute.namespaces import describe, open_socket

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x00000017
ETHTOOL_SGRO = 0x0000002C


class _EthtoolValue(ctypes.Structure):
    _fields_ = [("cmd", ctypes.c_uint32), ("data", ctypes.c_uint32)]


def _ethtool_off(netns: str | None, ifname: str, command: int, what: str) -> None:
    value = _EthtoolValue(command, 0)
    request = struct.pack("16sP", ifname.encode(), ctypes.addressof(value)).ljust(40, b"\0")
    with open_socket(netns) as sock:
        try:
            fcntl.ioctl(sock.fileno(), SIOCETHTOOL, request)
        except OSError as error:
            raise LinkFailed(f"cannot turn {what} off on {ifname} in {describe(netns)}: {error.strerror}") from error


def disable_tx_checksum(netns: str | None, ifname: str) -> None:
    """`ethtool -K <ifname> tx off`, through the ioctl, in `netns` (no ethtool binary needed there)."""
    _ethtool_off(netns, ifname, ETHTOOL_STXCSUM, "TX checksum offload")


def disable_gro(netns: str | None, ifname: str) -> None:
    """`ethtool -K <ifname> gro off`, through the ioctl."""
    _ethtool_off(netns, ifname, ETHTOOL_SGRO, "GRO")


def isolate_host_port(ifname: str) -> None:
    """Keep a lab port in the host namespace from reaching the host: frames for OVS only."""
    settings = {
        f"/proc/sys/net/ipv4/conf/{ifname}/rp_filter": "1",
        f"/proc/sys/net/ipv4/conf/{ifname}/forwarding": "0",
        f"/proc/sys/net/ipv4/conf/{ifname}/accept_local": "0",
        f"/proc/sys/net/ipv4/conf/{ifname}/arp_ignore": "8",
        f"/proc/sys/net/ipv4/conf/{ifname}/arp_announce": "2",
        f"/proc/sys/net/ipv6/conf/{ifname}/disable_ipv6": "1",
    }
    for path, value in settings.items():
        try:
            with open(path, "w") as knob:
                knob.write(value)
        except FileNotFoundError:
            if "/ipv6/" in path:
                continue  # a host without IPv6 has nothing to disable
            raise LinkFailed(f"host port {ifname} vanished while it was being set up") from None
        except OSError as error:
            raise LinkFailed(f"cannot write {path}: {error.strerror}") from error
