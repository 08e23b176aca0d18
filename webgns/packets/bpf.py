"""Capture filters: a tcpdump-syntax expression compiled to classic BPF by libpcap itself.

Division of labour: this module only compiles (through `pcap_open_dead`, so no interface is
opened and nothing runs as a process); the engine attaches the instructions to its packet
socket with SO_ATTACH_FILTER, and the API calls `compile_filter` to refuse a bad expression with
libpcap's own message before anything is started.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass

DLT_EN10MB = 1  # every link end webgns captures on is an Ethernet device (veth)
SNAPLEN = 262144
MAX_FILTER_LENGTH = 1000


class FilterError(ValueError):
    """The expression does not compile; the message is libpcap's."""


class _BpfInsn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _BpfProgram(ctypes.Structure):
    _fields_ = [("bf_len", ctypes.c_uint), ("bf_insns", ctypes.POINTER(_BpfInsn))]


@dataclass(frozen=True)
class Instruction:
    code: int
    jt: int
    jf: int
    k: int


_lock = threading.Lock()  # libpcap's compiler kept global state before 1.8; cheap insurance


def _libpcap() -> ctypes.CDLL:
    name = ctypes.util.find_library("pcap") or "libpcap.so.0.8"
    try:
        lib = ctypes.CDLL(name)
    except OSError as error:
        raise FilterError(f"libpcap is not installed on this host ({error}); install the libpcap0.8 package") from error
    lib.pcap_open_dead.restype = ctypes.c_void_p
    lib.pcap_open_dead.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.pcap_compile.argtypes = [ctypes.c_void_p, ctypes.POINTER(_BpfProgram), ctypes.c_char_p, ctypes.c_int,
                                 ctypes.c_uint32]
    lib.pcap_geterr.restype = ctypes.c_char_p
    lib.pcap_geterr.argtypes = [ctypes.c_void_p]
    lib.pcap_freecode.argtypes = [ctypes.POINTER(_BpfProgram)]
    lib.pcap_close.argtypes = [ctypes.c_void_p]
    return lib


def compile_filter(expression: str) -> tuple[Instruction, ...]:
    """The BPF program for `expression` on Ethernet; empty for an empty expression (capture all)."""
    expression = (expression or "").strip()
    if not expression:
        return ()
    if len(expression) > MAX_FILTER_LENGTH:
        raise FilterError(f"a filter has at most {MAX_FILTER_LENGTH} characters")
    if "\x00" in expression:
        raise FilterError("a filter cannot contain a NUL character")
    lib = _libpcap()
    with _lock:
        handle = lib.pcap_open_dead(DLT_EN10MB, SNAPLEN)
        if not handle:
            raise FilterError("libpcap could not open a dead handle to compile with")
        try:
            program = _BpfProgram()
            if lib.pcap_compile(handle, ctypes.byref(program), expression.encode(), 1, 0xFFFFFFFF) != 0:
                message = (lib.pcap_geterr(handle) or b"syntax error").decode(errors="replace")
                raise FilterError(message)
            try:
                return tuple(Instruction(program.bf_insns[i].code, program.bf_insns[i].jt, program.bf_insns[i].jf,
                                         program.bf_insns[i].k) for i in range(program.bf_len))
            finally:
                lib.pcap_freecode(ctypes.byref(program))
        finally:
            lib.pcap_close(handle)
