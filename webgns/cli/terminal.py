"""`webgns console`: the local terminal joined to a node's console websocket.

Bytes go both ways as binary frames; the window's size goes as the JSON text frame
`{"resize": [cols, rows]}` (at start and on SIGWINCH), as the console contract says. With a
terminal on stdin it is put in raw mode and restored on exit; Ctrl-] leaves. Without one (a pipe),
stdin is sent as it comes and the session ends when the server closes it, or once stdin has ended
and the node has said nothing for QUIET_AFTER_INPUT seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import termios
import threading
import tty

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from webgns.cli import exits

LEAVE = b"\x1d"  # Ctrl-]
# Piped input: once it has ended, the session ends when the node has been quiet this long.
QUIET_AFTER_INPUT = 3.0
CLOSE_CODES = {4404: exits.NOT_FOUND, 4403: exits.AUTH}


def attach(url: str) -> int:
    """Run the session; returns the exit code."""
    try:
        socket = connect(url, max_size=None, open_timeout=20)
    except Exception as error:  # refused handshake, no server
        sys.stderr.write(f"error: console did not open: {error}\n")
        return exits.UNREACHABLE
    interactive = os.isatty(sys.stdin.fileno())
    saved = termios.tcgetattr(sys.stdin.fileno()) if interactive else None

    def resize(*_: object) -> None:
        with contextlib.suppress(OSError, ConnectionClosed):
            size = os.get_terminal_size(sys.stdout.fileno())
            socket.send(json.dumps({"resize": [size.columns, size.lines]}))

    def pump_stdin() -> None:
        fd = sys.stdin.fileno()
        try:
            while True:
                data = os.read(fd, 4096)
                if not data or (interactive and LEAVE in data):
                    break
                socket.send(data)
        except (OSError, ConnectionClosed):
            pass
        input_done.set()
        if interactive:
            socket.close()

    code = exits.OK
    input_done = threading.Event()
    try:
        if interactive:
            tty.setraw(sys.stdin.fileno())
            signal.signal(signal.SIGWINCH, resize)
            resize()
        threading.Thread(target=pump_stdin, daemon=True).start()
        while True:
            try:
                message = socket.recv(timeout=QUIET_AFTER_INPUT if input_done.is_set() else 0.5)
            except TimeoutError:
                if input_done.is_set():
                    socket.close()
                    break
                continue
            data = message if isinstance(message, bytes) else message.encode()
            os.write(sys.stdout.fileno(), data)
    except ConnectionClosed:
        pass
    finally:
        if saved is not None:
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
    close_code = socket.close_code
    if close_code in CLOSE_CODES:
        sys.stderr.write(f"error: console closed ({close_code}: {socket.close_reason or 'refused'})\n")
        code = CLOSE_CODES[close_code]
    return code
