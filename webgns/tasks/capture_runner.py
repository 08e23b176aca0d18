"""The worker process's running captures: one thread per capture, one supervisor for them all.

Division of labour: `capture_tasks.start_capture` opens the socket (through the engine) and hands
the open capture to `runner()`; from then on the capture lives in a thread this process owns, not
in a Celery slot. Why a thread and not a long task: a capture mostly waits on its socket for up to
`WEBGNS_CAPTURE_MAX_SECONDS`; as a task it would hold one of the worker's few slots (4 here) the
whole time and starve lab operations, and a queue of its own would need another worker process in
every launcher. The cost: captures end with the worker process (the API then reports them ended
"worker lost", the file intact up to its last flush).

The supervisor thread ticks every `TICK_SECONDS`: it refreshes each capture's heartbeat key (the
API's proof that it still runs), stops the captures whose stop key the API set, and sends any
progress the per-packet throttle held back, so a burst's last packets reach the browser at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from webgns.captures import signals_keys
from webgns.compute.packet_capture import CaptureResult, PacketCapture

log = logging.getLogger(__name__)

TICK_SECONDS = 0.2
PROGRESS_EVERY_SECONDS = 0.1
COUNTS_EVERY_TICKS = 5  # the row's packet/byte counts, about once a second


@dataclass
class _Running:
    capture: PacketCapture
    on_counts: Callable[[int, int], None] | None = None
    recorded: int = -1
    announced: int = 0
    last_sent: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def send_to_group(capture_id: str, message: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(signals_keys.group_name(capture_id), message)
    except Exception:  # a lost notice delays the browser's list; it never costs packets
        log.exception("could not notify capture %s", capture_id)


class CaptureRunner:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, _Running] = {}
        self._supervisor: threading.Thread | None = None
        self._redis = redis.Redis.from_url(settings.REDIS_URL)

    def launch(self, capture_id: str, capture: PacketCapture, on_end: Callable[[CaptureResult], None],
               on_counts: Callable[[int, int], None] | None = None) -> None:
        """Run `capture` (opened) in a thread; `on_end` gets its result, `on_counts` its counts about once a second."""
        entry = _Running(capture, on_counts)
        capture.on_progress = lambda packets, size: self._progress(capture_id, entry, packets, size)
        with self._lock:
            self._running[capture_id] = entry
            if self._supervisor is None or not self._supervisor.is_alive():
                self._supervisor = threading.Thread(target=self._supervise, name="webgns-capture-supervisor",
                                                    daemon=True)
                self._supervisor.start()
        self._heartbeat([capture_id])
        threading.Thread(target=self._run, args=(capture_id, entry, on_end), name=f"webgns-capture-{capture_id[:8]}",
                         daemon=True).start()

    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def _run(self, capture_id: str, entry: _Running, on_end: Callable[[CaptureResult], None]) -> None:
        try:
            result = entry.capture.run()
        except Exception as error:  # the socket is closed by run(); record why it ended
            log.exception("capture %s failed", capture_id)
            result = CaptureResult("failed", entry.capture.packets, entry.capture.bytes, str(error))
        finally:
            with self._lock:
                self._running.pop(capture_id, None)
        try:
            on_end(result)
        finally:
            self._redis.delete(signals_keys.alive_key(capture_id), signals_keys.stop_key(capture_id))

    def _progress(self, capture_id: str, entry: _Running, packets: int, size: int, force: bool = False) -> None:
        with entry.lock:
            now = time.monotonic()
            if packets == entry.announced or (not force and now - entry.last_sent < PROGRESS_EVERY_SECONDS):
                return
            entry.announced, entry.last_sent = packets, now
        send_to_group(capture_id, {"type": "capture.progress", "packets": packets, "bytes": size})

    def _heartbeat(self, ids: list[str]) -> list[bool]:
        pipe = self._redis.pipeline()
        for capture_id in ids:
            pipe.set(signals_keys.alive_key(capture_id), 1, ex=signals_keys.ALIVE_SECONDS)
            pipe.exists(signals_keys.stop_key(capture_id))
        replies = pipe.execute()
        return [bool(replies[i * 2 + 1]) for i in range(len(ids))]

    def _supervise(self) -> None:
        ticks = 0
        while True:
            time.sleep(TICK_SECONDS)
            ticks += 1
            with self._lock:
                entries = dict(self._running)
            if not entries:
                continue
            try:
                stops = self._heartbeat(list(entries))
            except redis.RedisError:
                log.exception("capture heartbeat failed")
                continue
            for (capture_id, entry), stop in zip(entries.items(), stops, strict=True):
                if stop:
                    entry.capture.stop()
                self._progress(capture_id, entry, entry.capture.packets, entry.capture.bytes, force=True)
                if ticks % COUNTS_EVERY_TICKS == 0 and entry.on_counts and entry.recorded != entry.capture.packets:
                    entry.recorded = entry.capture.packets
                    try:
                        entry.on_counts(entry.capture.packets, entry.capture.bytes)
                    except Exception:  # the counts are a courtesy; the capture goes on
                        log.exception("could not record the counts of capture %s", capture_id)


@cache
def runner() -> CaptureRunner:
    return CaptureRunner()
