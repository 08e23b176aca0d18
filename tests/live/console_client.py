"""A tiny terminal driver for tests: send lines to a console socket and read until a marker shows.

Works over either transport through two callables (send bytes, receive bytes), so the same
steps run against Channels' WebsocketCommunicator and against a real Daphne via `websockets`.
"""

import time
import uuid
from collections.abc import Awaitable, Callable


class Terminal:
    def __init__(self, send: Callable[[bytes], Awaitable[None]], receive: Callable[[float], Awaitable[bytes]]):
        self._send = send
        self._receive = receive
        self.output = bytearray()

    async def read_until(self, marker: bytes, timeout: float = 10) -> bytes:
        """All output up to and including `marker`; what follows stays buffered."""
        deadline = time.monotonic() + timeout
        while marker not in self.output:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{marker!r} never came; got {bytes(self.output[-500:])!r}"
            self.output += await self._receive(remaining)
        end = self.output.index(marker) + len(marker)
        taken = bytes(self.output[:end])
        del self.output[:end]
        return taken

    async def run(self, command: str, timeout: float = 10) -> str:
        """Run a shell command; returns what it printed (between two unique markers)."""
        tag = uuid.uuid4().hex[:8]
        # The markers are assembled by the shell, so the echoed command line never matches them.
        await self._send(f"echo B{tag}''B; {command}; echo E{tag}''E\n".encode())
        await self.read_until(f"B{tag}B".encode(), timeout)
        body = await self.read_until(f"E{tag}E".encode(), timeout)
        return body[: -len(f"E{tag}E")].decode("utf-8", "replace").replace("\r\n", "\n").strip()
