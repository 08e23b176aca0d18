"""pcapng, written as packets arrive and read back block by block.

Division of labour: `PcapngWriter` emits one Section Header Block, one Interface Description
Block (Ethernet, nanosecond timestamps, the interface's name) and an Enhanced Packet Block per
packet, carrying the direction (inbound/outbound) as `epb_flags`, as Wireshark shows it. The
reading side (`read_header`, `iter_packets`) walks block lengths only: the web tier uses it to
find where packet N starts in a file that is still growing, so a block being written is never
read half (a block counts once its trailing length is on disk).

Format: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-01.html (all little-endian here).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

SHB_TYPE = 0x0A0D0D0A
IDB_TYPE = 0x00000001
EPB_TYPE = 0x00000006
BYTE_ORDER_MAGIC = 0x1A2B3C4D
LINKTYPE_ETHERNET = 1

OPT_END = 0
OPT_SHB_USERAPPL = 4
OPT_IF_NAME = 2
OPT_IF_DESCRIPTION = 3
OPT_IF_TSRESOL = 9
OPT_EPB_FLAGS = 2

INBOUND = 1
OUTBOUND = 2


def _pad(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 4)


def _options(pairs: list[tuple[int, bytes]]) -> bytes:
    out = b"".join(struct.pack("<HH", code, len(value)) + _pad(value) for code, value in pairs)
    return out + struct.pack("<HH", OPT_END, 0) if pairs else b""


def _block(block_type: int, body: bytes) -> bytes:
    length = 12 + len(body)
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def header_blocks(ifname: str, description: str = "", snaplen: int = 262144) -> bytes:
    """SHB + IDB: the prefix every reader needs before the first packet."""
    shb = _block(SHB_TYPE, struct.pack("<IHHq", BYTE_ORDER_MAGIC, 1, 0, -1)
                 + _options([(OPT_SHB_USERAPPL, b"webgns")]))
    if_options = [(OPT_IF_NAME, ifname.encode()), (OPT_IF_TSRESOL, bytes([9]))]
    if description:
        if_options.append((OPT_IF_DESCRIPTION, description.encode()))
    idb = _block(IDB_TYPE, struct.pack("<HHI", LINKTYPE_ETHERNET, 0, snaplen) + _options(if_options))
    return shb + idb


def packet_block(timestamp_ns: int, data: bytes, original_length: int, direction: int = 0) -> bytes:
    """One Enhanced Packet Block on interface 0; `timestamp_ns` since the epoch (if_tsresol=9)."""
    options = _options([(OPT_EPB_FLAGS, struct.pack("<I", direction))]) if direction else b""
    body = struct.pack("<IIIII", 0, timestamp_ns >> 32, timestamp_ns & 0xFFFFFFFF, len(data), original_length)
    return _block(EPB_TYPE, body + _pad(data) + options)


class PcapngWriter:
    """Appends to an open binary file; `flush` makes what was written visible to readers."""

    def __init__(self, file: BinaryIO, ifname: str, description: str = "", snaplen: int = 262144) -> None:
        self.file = file
        self.snaplen = snaplen
        file.write(header_blocks(ifname, description, snaplen))
        file.flush()

    def write(self, timestamp_ns: int, data: bytes, original_length: int, direction: int = 0) -> int:
        block = packet_block(timestamp_ns, data[: self.snaplen], original_length, direction)
        self.file.write(block)
        return len(block)

    def flush(self) -> None:
        self.file.flush()


@dataclass(frozen=True)
class PacketRecord:
    number: int  # 1-based, as Wireshark numbers frames
    offset: int  # where its block starts in the file
    length: int  # its block's length
    timestamp_ns: int
    captured: int
    original: int
    direction: int


def read_header(file: BinaryIO) -> bytes | None:
    """The SHB + IDB bytes (None while the file is shorter than them)."""
    file.seek(0)
    header = b""
    for _ in range(2):
        head = file.read(8)
        if len(head) < 8:
            return None
        _, length = struct.unpack("<II", head)
        rest = file.read(length - 8)
        if len(rest) < length - 8:
            return None
        header += head + rest
    return header


def iter_packets(file: BinaryIO, start_offset: int | None = None, first_number: int = 1,
                 end: int | None = None) -> Iterator[PacketRecord]:
    """Every complete EPB from `start_offset` (default: after the header), numbered from `first_number`."""
    if start_offset is None:
        header = read_header(file)
        if header is None:
            return
        start_offset = len(header)
    offset, number = start_offset, first_number
    file.seek(offset)
    while end is None or offset < end:
        head = file.read(8)
        if len(head) < 8:
            return
        block_type, length = struct.unpack("<II", head)
        if length < 12 or length % 4:
            return  # not a block boundary: stop rather than guess
        body = file.read(length - 8)
        if len(body) < length - 8:
            return  # being written
        if block_type == EPB_TYPE:
            _, high, low, captured, original = struct.unpack_from("<IIIII", body)
            options_at = 20 + captured + (-captured % 4)
            direction = 0
            if options_at + 8 <= len(body) - 4:
                code, size = struct.unpack_from("<HH", body, options_at)
                if code == OPT_EPB_FLAGS and size == 4:
                    direction = struct.unpack_from("<I", body, options_at + 4)[0] & 3
            yield PacketRecord(number, offset, length, (high << 32) | low, captured, original, direction)
            number += 1
        offset += length


def packet_bytes(file: BinaryIO, record: PacketRecord) -> bytes:
    file.seek(record.offset + 28)
    return file.read(record.captured)
