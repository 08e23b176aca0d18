"""Event fan-out benchmark: latency from a worker-side publish to two websocket subscribers.

Runs a real stack (tests/live_stack.py: Daphne + Celery worker + Redis), opens two subscribers on
one project's events socket, and from a separate process with the stack's settings (as a worker
is) publishes N events through `webgns.labs.events.publish_now`, each carrying its send time.
Prints median / p99 / max of (received - published) per subscriber, and as a baseline the same
figure for a bare channel-layer receive in the publishing process (Redis only, no Daphne).

    .venv/bin/python bench/bench_events.py [--events 500] [--interval-ms 5]
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from tests.live_stack import LiveStack  # noqa: E402

TARGET_P99_MS = 100.0

PUBLISHER = r"""
import asyncio, json, sys, time, threading
import django
django.setup()
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from webgns.labs import events
project, count, interval = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
layer = get_channel_layer()
channel = async_to_sync(layer.new_channel)()
async_to_sync(layer.group_add)(events.group_name(project), channel)
baseline = []
def listen():
    async def run():
        for _ in range(count):
            message = await layer.receive(channel)
            baseline.append((time.time() - message["event"]["sent"]) * 1000)
    asyncio.run(run())
listener = threading.Thread(target=listen)
listener.start()
time.sleep(0.5)
for i in range(count):
    events.publish_now(project, "bench.ping", sent=time.time(), i=i)
    time.sleep(interval)
listener.join(30)
print(json.dumps(baseline))
"""


def summary(latencies: list[float]) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.99) - 1)], ordered[-1]


async def subscribe(stack: LiveStack, project: str, count: int, ready: asyncio.Event, connected: list) -> list[float]:
    url = f"{stack.ws_url}/ws/projects/{project}/events/?token={stack.token}"
    latencies = []
    async with connect(url, origin=stack.base_url, max_size=None) as socket:
        assert json.loads(await socket.recv())["type"] == "snapshot"
        connected.append(1)
        if len(connected) == 2:
            ready.set()
        while len(latencies) < count:
            event = json.loads(await asyncio.wait_for(socket.recv(), 30))
            if event["type"] == "bench.ping":
                latencies.append((time.time() - event["sent"]) * 1000)
    return latencies


async def run(stack: LiveStack, project: str, args) -> tuple[list[list[float]], list[float]]:
    ready, connected = asyncio.Event(), []
    subscribers = [asyncio.create_task(subscribe(stack, project, args.events, ready, connected)) for _ in range(2)]
    await asyncio.wait_for(ready.wait(), 10)
    publisher = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PUBLISHER, project, str(args.events), str(args.interval_ms / 1000),
        cwd=ROOT, env=stack.env, stdout=subprocess.PIPE,
    )
    out, _ = await publisher.communicate()
    results = await asyncio.gather(*subscribers)
    return results, json.loads(out.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--interval-ms", type=float, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webgns.settings")
    with LiveStack() as stack:
        project = stack.api.post(f"{stack.base_url}/api/projects/", json={"name": "bench-events"}).json()["id"]
        subscribers, baseline = asyncio.run(run(stack, project, args))
    print(f"event fan-out: {args.events} events, one every {args.interval_ms} ms, two subscribers")
    print(f"{'path':<34}{'median ms':>11}{'p99 ms':>9}{'max ms':>9}")
    rows = [(f"subscriber {i} (Daphne websocket)", lat) for i, lat in enumerate(subscribers, 1)]
    for name, latencies in [*rows, ("channel layer only (baseline)", baseline)]:
        median, p99, worst_one = summary(latencies)
        print(f"{name:<34}{median:>11.2f}{p99:>9.2f}{worst_one:>9.2f}")
    worst = max(summary(latencies)[1] for latencies in subscribers)
    print(f"target: p99 < {TARGET_P99_MS} ms: {'met' if worst < TARGET_P99_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
