"""An ASGI wrapper that refuses HTTP request bodies over WEBGNS_MAX_BODY_BYTES before Django reads them.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when a view reads the body, and its ASGI handler
first spools the whole body (to disk past 2.5 MB): a 1 GB upload would be stored before being
refused. Here a declared Content-Length over the limit is refused at once, and a body without one
is counted as it arrives and refused as soon as it passes the limit. Under /api/ the refusal is
JSON like every other API error. Bodies within the limit are replayed to Django unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    def __init__(self, app: Callable, limit: int | None = None) -> None:
        self.app = app
        self._limit = limit

    @property
    def limit(self) -> int:
        if self._limit is not None:
            return self._limit
        from django.conf import settings

        return settings.WEBGNS_MAX_BODY_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # http.disconnect: let Django see it
            size += len(message.get("body", b""))
            if size > limit:
                await _refuse(scope, send, limit)
                return
            if not message.get("more_body", False):
                break
        replay = iter(messages)

        async def replayed() -> Message:
            message = next(replay, None)
            return message if message is not None else await receive()

        await self.app(scope, replayed, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    message = f"The request body is larger than {limit} bytes, this server's limit (WEBGNS_MAX_BODY_BYTES)."
    if scope.get("path", "").startswith("/api/"):
        body, content_type = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        body, content_type = message.encode(), b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
