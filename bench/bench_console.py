"""Console benchmark: keystroke echo latency and output throughput of a node's browser terminal.

Runs a real stack (tests/live_stack.py: Daphne + Celery worker), starts a one-node busybox lab
through the REST API, then measures over the console websocket (`websockets` client):
  - echo latency: one byte sent, its PTY echo received; 1000 keystrokes; median and p99
  - throughput: `cat` of a 10 MB file, bytes received / time until the end marker
and the same two figures on the bare Docker exec stream (no websocket, no Daphne) as a baseline,
both for the default path, the console relayed through the node's host's relay, and for the
web tier opening the shell itself (a second stack with WEBGNS_CONSOLE_RELAY=remote).

    .venv/bin/python bench/bench_console.py [--keystrokes 1000] [--megabytes 10] [--no-relay]
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.client import connect  # noqa: E402

from tests.live_stack import LiveStack  # noqa: E402

TARGET_MEDIAN_MS, TARGET_MBPS = 5.0, 5.0


class Stream:
    """send(bytes) / recv() over either the websocket or a bare exec session."""

    def __init__(self, send, recv) -> None:
        self.send, self.recv, self.buffer = send, recv, bytearray()

    async def until(self, marker: bytes, timeout: float = 60) -> int:
        """Read until `marker`; returns how many bytes came before it (then drops them). Only the
        tail is searched and kept, so a 10 MB transfer costs the reader no quadratic rescans."""
        dropped = 0
        async with asyncio.timeout(timeout):
            while marker not in self.buffer:
                keep = len(marker) - 1
                if len(self.buffer) > keep:
                    dropped += len(self.buffer) - keep
                    del self.buffer[: len(self.buffer) - keep]
                self.buffer += await self.recv()
        end = self.buffer.index(marker)
        del self.buffer[: end + len(marker)]
        return dropped + end


async def measure(stream: Stream, keystrokes: int, megabytes: int) -> dict:
    tag = uuid.uuid4().hex[:6]
    size = megabytes * 1024 * 1024
    await stream.send(f"head -c {size} /dev/zero | tr '\\0' x > /tmp/bench; echo R{tag}''R\n".encode())
    await stream.until(f"R{tag}R".encode())
    # Raw mode: each byte is echoed by the PTY at once; head exits after exactly `keystrokes` bytes.
    line = f"stty raw; echo G{tag}''G; head -c {keystrokes} >/dev/null; stty sane; echo C{tag}''C\n"
    await stream.send(line.encode())
    await stream.until(f"G{tag}G".encode())
    await asyncio.sleep(0.2)
    stream.buffer.clear()
    latencies = []
    for _ in range(keystrokes):
        started = time.perf_counter()
        await stream.send(b"k")
        await stream.until(b"k", timeout=5)
        latencies.append((time.perf_counter() - started) * 1000)
    await stream.until(f"C{tag}C".encode())
    started = time.perf_counter()
    await stream.send(f"cat /tmp/bench; echo T{tag}''T; rm /tmp/bench\n".encode())
    received = await stream.until(f"T{tag}T".encode(), timeout=120)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "mbps": received / elapsed / 1e6,
        "received": received,
    }


def start_lab(stack: LiveStack) -> tuple[str, str]:
    api, base = stack.api, stack.base_url
    project = api.post(f"{base}/api/projects/", json={"name": "bench-console"}).json()["id"]
    busybox = next(t for t in api.get(f"{base}/api/templates/").json() if t["name"] == "busybox")
    node = api.post(f"{base}/api/projects/{project}/nodes/", json={"name": "pc1", "template": busybox["id"]}).json()
    api.post(f"{base}/api/projects/{project}/start/").raise_for_status()
    deadline = time.monotonic() + 60
    while api.get(f"{base}/api/projects/{project}/nodes/{node['id']}/").json()["status"] != "started":
        if time.monotonic() > deadline:
            raise RuntimeError("the bench node did not start")
        time.sleep(0.2)
    return project, node["id"]


async def over_websocket(stack: LiveStack, project: str, node: str, args) -> dict:
    url = f"{stack.ws_url}/ws/projects/{project}/nodes/{node}/console/?token={stack.token}"
    async with connect(url, origin=stack.base_url, max_size=None, compression=None) as socket:
        await socket.send(json.dumps({"resize": [200, 50]}))
        return await measure(Stream(socket.send, socket.recv), args.keystrokes, args.megabytes)


async def over_bare_exec(node: str, args) -> dict:
    import django

    django.setup()
    from webgns.compute.node_pty import PtySession

    session = await PtySession.start(node, 200, 50)
    try:
        return await measure(Stream(session.write, session.read), args.keystrokes, args.megabytes)
    finally:
        await session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=int, default=1000)
    parser.add_argument("--megabytes", type=int, default=10)
    parser.add_argument("--no-relay", action="store_true", help="skip the relayed console's figures")
    args = parser.parse_args()
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webgns.settings")
    with LiveStack(env={"WEBGNS_CONSOLE_RELAY": "remote"}) as stack:
        project, node = start_lab(stack)
        ws = asyncio.run(over_websocket(stack, project, node, args))
        bare = asyncio.run(over_bare_exec(node, args))
    rows = [("websocket, web tier's exec", ws), ("bare docker exec (baseline)", bare)]
    if not args.no_relay:
        with LiveStack() as stack:
            project, node = start_lab(stack)
            rows.append(("websocket via host relay", asyncio.run(over_websocket(stack, project, node, args))))
    print(f"console benchmark: {args.keystrokes} keystrokes, cat of {args.megabytes} MB")
    print(f"{'path':<30}{'echo median ms':>16}{'echo p99 ms':>14}{'cat MB/s':>11}")
    for name, r in rows:
        print(f"{name:<30}{r['median_ms']:>16.2f}{r['p99_ms']:>14.2f}{r['mbps']:>11.1f}")
    ok = all(r["median_ms"] < TARGET_MEDIAN_MS and r["mbps"] >= TARGET_MBPS for name, r in rows if "bare" not in name)
    print(f"targets: median < {TARGET_MEDIAN_MS} ms, >= {TARGET_MBPS} MB/s: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
