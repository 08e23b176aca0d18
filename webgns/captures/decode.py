"""Decoding with Wireshark's own dissectors: `tshark` over the capture file's complete blocks.

Division of labour: the worker writes pcapng; this module never parses a protocol itself. It
feeds tshark (on stdin) the file's header plus the complete packet blocks wanted (a block being
written is never fed), and turns tshark's output into the API's shapes: a summary per packet as
Wireshark's packet list shows it (`-T fields` with the `_ws.col.*` columns), and one packet's
detail tree from PDML (`-T pdml`, the same tree Wireshark's middle pane shows).

A display filter (`-Y`) is Wireshark's syntax; tshark's refusal becomes `DisplayFilterError`
carrying its message (the API answers 400 with it).
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from webgns.packets.pcapng import PacketRecord, iter_packets, packet_bytes, read_header

TSHARK_TIMEOUT = 60
MAX_SUMMARIES = 5000
MAX_DISPLAY_FILTER = 1000
SUMMARY_FIELDS = ("frame.number", "frame.time_epoch", "_ws.col.Source", "_ws.col.Destination",
                  "_ws.col.Protocol", "frame.len", "_ws.col.Info")


class DecodeError(Exception):
    """tshark is missing or failed on the file."""


class DisplayFilterError(DecodeError):
    """tshark refused the display filter; the message is tshark's."""


@dataclass(frozen=True)
class Chunk:
    """Complete packet blocks of a capture file: the bytes tshark needs and where they came from."""

    data: bytes  # SHB + IDB + the blocks
    first_number: int  # the number of the first packet in `data`
    records: list[PacketRecord]  # the blocks read for (the last ones in `data`)

    @property
    def next_offset(self) -> int | None:
        return self.records[-1].offset + self.records[-1].length if self.records else None


def tshark() -> str:
    found = shutil.which("tshark")
    if found is None:
        raise DecodeError("tshark is not installed on this server (Debian package: tshark)")
    return found


def read_chunk(path: Path, start_offset: int | None = None, first_number: int = 1,
               last_number: int | None = None) -> Chunk | None:
    """The complete blocks from `start_offset` (None: the first packet), up to `last_number` if given."""
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    with file:
        header = read_header(file)
        if header is None:
            return None
        records = []
        for record in iter_packets(file, start_offset, first_number):
            if last_number is not None and record.number > last_number:
                break
            records.append(record)
        if not records:
            return Chunk(header, first_number, [])
        file.seek(records[0].offset)
        body = file.read(records[-1].offset + records[-1].length - records[0].offset)
    return Chunk(header + body, first_number, records)


def from_first_packet(path: Path, chunk: Chunk) -> Chunk:
    """`chunk` with every packet before it in the file: tshark then numbers the packets as the file does
    (a reply's "request in N" is the downloaded file's N) and its dissectors see what came before
    (request/reply pairs, reassembly, TCP analysis), as Wireshark does when it opens the file."""
    if chunk.first_number == 1 or not chunk.records:
        return chunk
    with open(path, "rb") as file:
        header = read_header(file)
        if header is None:
            return chunk
        file.seek(len(header))
        body = file.read(chunk.next_offset - len(header))
    return Chunk(header + body, 1, chunk.records)


def _run(arguments: list[str], data: bytes, checking_filter: bool = False) -> str:
    try:
        done = subprocess.run([tshark(), "-n", "-r", "-", *arguments], input=data, capture_output=True,
                              timeout=TSHARK_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise DecodeError(f"tshark took longer than {TSHARK_TIMEOUT} s") from error
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        if checking_filter:  # no packets to fail on: the filter is what tshark refused
            raise DisplayFilterError(_clean(message))
        raise DecodeError(f"tshark failed: {_clean(message)}")
    return done.stdout.decode(errors="replace")


def _clean(message: str) -> str:
    lines = [line.removeprefix("tshark: ").strip() for line in message.splitlines()
             if line.strip() and not line.startswith("Running as user")]
    return " ".join(lines)[:1000] or "unknown error"


def check_display_filter(display_filter: str) -> None:
    """Raise DisplayFilterError if tshark refuses `display_filter` (tshark compiles it with no packets)."""
    if len(display_filter) > MAX_DISPLAY_FILTER:
        raise DisplayFilterError(f"a display filter has at most {MAX_DISPLAY_FILTER} characters")
    if "\0" in display_filter:
        # An argument cannot carry NUL: subprocess would raise ValueError, not a refusal.
        raise DisplayFilterError("a display filter may not contain NUL")
    if display_filter.strip():
        from webgns.packets.pcapng import header_blocks

        _run(["-Y", display_filter, "-T", "fields", "-e", "frame.number"], header_blocks("check"), checking_filter=True)


def summaries(chunk: Chunk, capture_start_ns: int, display_filter: str = "", after: int = 0,
              limit: int = MAX_SUMMARIES) -> list[dict]:
    """Wireshark's packet list for the chunk: `{"no","time","src","dst","protocol","length","info"}`.

    `time` is seconds since `capture_start_ns` (the first packet), as Wireshark's default column.
    Numbers are the capture's own (the chunk's first packet is `chunk.first_number`).
    """
    if not chunk.records:
        return []
    shift = chunk.first_number - 1
    conditions = []
    if after > shift:
        conditions.append(f"frame.number > {after - shift}")
    if display_filter.strip():
        conditions.append(f"({display_filter})")
    arguments = ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for field in SUMMARY_FIELDS:
        arguments += ["-e", field]
    if conditions:
        arguments += ["-Y", " && ".join(conditions)]
    out = _run(arguments, chunk.data)
    rows = []
    for line in out.splitlines():
        parts = line.split("\t", len(SUMMARY_FIELDS) - 1)
        if len(parts) < len(SUMMARY_FIELDS) or not parts[0].isdigit():
            continue
        number, epoch, source, destination, protocol, length, info = parts
        rows.append({
            "no": int(number) + shift,
            "time": round(float(epoch or 0) - capture_start_ns / 1e9, 6),
            "src": source, "dst": destination, "protocol": protocol,
            "length": int(length or 0), "info": info,
        })
        if len(rows) >= limit:
            break
    return rows


def first_timestamp(path: Path) -> int:
    chunk = read_chunk(path, last_number=1)
    return chunk.records[0].timestamp_ns if chunk and chunk.records else 0


def detail(path: Path, number: int) -> dict | None:
    """One packet's decoded layers (a tree as Wireshark shows it) and its bytes in hex; None if absent."""
    chunk = read_chunk(path, last_number=number)
    if chunk is None or not chunk.records or chunk.records[-1].number != number:
        return None
    record = chunk.records[-1]
    # Every packet before it goes in too: dissectors keep state across packets (TCP analysis...).
    pdml = _run(["-T", "pdml", "-Y", f"frame.number == {number}"], chunk.data)
    layers = _layers_from_pdml(pdml)
    with open(path, "rb") as file:
        data = packet_bytes(file, record)
    return {"no": number, "length": record.original, "captured": record.captured,
            "direction": {1: "in", 2: "out"}.get(record.direction, ""), "layers": layers, "bytes": data.hex()}


def _layers_from_pdml(pdml: str) -> list[dict]:
    try:
        root = ElementTree.fromstring(pdml)
    except ElementTree.ParseError as error:
        raise DecodeError(f"tshark's PDML could not be read: {error}") from error
    packet = root.find("packet")
    if packet is None:
        return []
    return [_node(proto) for proto in packet.findall("proto") if proto.get("name") != "geninfo"]


def _node(element: ElementTree.Element) -> dict:
    text = element.get("showname") or element.get("show") or element.get("name") or ""
    node = {"name": element.get("name", ""), "text": text}
    if element.get("pos") is not None and element.get("size") is not None:
        node["pos"], node["size"] = int(element.get("pos")), int(element.get("size"))
    children = [_node(child) for child in element if child.tag in ("field", "proto")
                and (child.get("showname") or child.get("show"))]
    if children:
        node["children"] = children
    return node
