"""The ASGI body limit: a body over WEBGNS_MAX_BODY_BYTES is refused (JSON under /api/) before
Django reads it, whether its Content-Length says so or it arrives in chunks without one."""

import json

import pytest

from webgns.body_limit import BodyLimit

LIMIT = 1000


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _call(app, path: str, chunks: list[bytes], content_length: int | None):
    headers = [(b"content-type", b"application/json")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    received = []

    async def receive():
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message):
        received.append(message)

    await app(scope, receive, send)
    status = received[0]["status"]
    body = b"".join(m.get("body", b"") for m in received[1:])
    return status, dict(received[0]["headers"]), body, len(pending)


@pytest.mark.asyncio
async def test_declared_length_over_the_limit_is_refused_unread():
    inner = Recorder()
    status, headers, body, unread = await _call(BodyLimit(inner, LIMIT), "/api/projects/", [b"x" * 600] * 5, 3000)
    assert status == 400 and headers[b"content-type"] == b"application/json"
    assert "WEBGNS_MAX_BODY_BYTES" in json.loads(body)["detail"]
    assert inner.bodies == [] and unread == 5


@pytest.mark.asyncio
async def test_chunked_body_is_refused_as_soon_as_it_passes_the_limit():
    inner = Recorder()
    status, _, _, unread = await _call(BodyLimit(inner, LIMIT), "/api/projects/", [b"x" * 600] * 5, None)
    assert status == 400 and inner.bodies == [] and unread == 3


@pytest.mark.asyncio
async def test_pages_get_text_and_bodies_within_the_limit_pass_unchanged():
    inner = Recorder()
    status, headers, _, _ = await _call(BodyLimit(inner, LIMIT), "/accounts/login/", [b"x" * 2000], None)
    assert status == 400 and headers[b"content-type"].startswith(b"text/plain")
    status, _, body, _ = await _call(BodyLimit(inner, LIMIT), "/api/projects/", [b"a" * 500, b"b" * 500], 1000)
    assert status == 200 and body == b"ok" and inner.bodies == [b"a" * 500 + b"b" * 500]
