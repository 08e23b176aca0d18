"""Cross-site websocket hijacking: the Origin rule of webgns/live/origin.py on the real ASGI app.

Real session cookies and tokens, the real events consumer; a refused handshake never reaches it.
"""

import pytest
from django.test import Client, override_settings

from tests.labs.factories import create_project
from tests.live.conftest import token_of

pytestmark = pytest.mark.django_db(transaction=True)

HOST = (b"host", b"127.0.0.1:8000")
SAME = (b"origin", b"http://127.0.0.1:8000")


def events_path(project: dict) -> str:
    return f"/ws/projects/{project['id']}/events/"


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def opens(communicator, path: str, headers: list, token: str | None = None) -> bool:
    """Whether the handshake is accepted and the snapshot arrives."""
    comm = communicator(path, token=token, headers=headers)
    connected, _ = await comm.connect(timeout=5)
    if not connected:
        return False
    try:
        return (await comm.receive_json_from(timeout=5))["type"] == "snapshot"
    finally:
        await comm.disconnect()


@pytest.fixture
def lab(api):
    return {"project": create_project(api), "cookie": session_cookie(api.user), "token": token_of(api)}


async def test_session_cookie_from_the_same_origin_is_accepted(lab, communicator):
    assert await opens(communicator, events_path(lab["project"]), [HOST, SAME, lab["cookie"]])


@pytest.mark.parametrize("origin", [
    b"http://127.0.0.1:9999",   # another port on the same host: another site
    b"https://127.0.0.1:8000",  # another scheme
    b"http://127.0.0.1",        # the default port is 80, not 8000
    b"http://evil.example",
    b"null",                    # sandboxed frames and file:// pages
])
async def test_session_cookie_from_another_origin_is_refused(lab, communicator, origin):
    assert not await opens(communicator, events_path(lab["project"]), [HOST, (b"origin", origin), lab["cookie"]])


async def test_session_cookie_without_origin_is_refused(lab, communicator):
    assert not await opens(communicator, events_path(lab["project"]), [HOST, lab["cookie"]])


async def test_a_host_outside_allowed_hosts_is_not_its_own_origin(lab, communicator):
    """DNS rebinding: evil.example resolving to this server sends Host and Origin alike."""
    headers = [(b"host", b"evil.example:8000"), (b"origin", b"http://evil.example:8000"), lab["cookie"]]
    assert not await opens(communicator, events_path(lab["project"]), headers)


async def test_token_without_origin_is_accepted(lab, communicator):
    assert await opens(communicator, events_path(lab["project"]), [HOST], token=lab["token"])
    assert await opens(communicator, events_path(lab["project"]), [], token=lab["token"])


async def test_token_with_a_foreign_origin_is_refused(lab, communicator):
    headers = [HOST, (b"origin", b"http://127.0.0.1:9999")]
    assert not await opens(communicator, events_path(lab["project"]), headers, token=lab["token"])


async def test_token_with_the_same_origin_is_accepted(lab, communicator):
    assert await opens(communicator, events_path(lab["project"]), [HOST, SAME], token=lab["token"])


async def test_configured_origins_are_allowed_with_their_port(lab, communicator):
    path = events_path(lab["project"])
    with override_settings(WEBGNS_ALLOWED_ORIGINS=["https://labs.example.org"]):
        proxied = [(b"host", b"127.0.0.1:8000"), (b"origin", b"https://labs.example.org"), lab["cookie"]]
        assert await opens(communicator, path, proxied)
        other_port = [(b"host", b"127.0.0.1:8000"), (b"origin", b"https://labs.example.org:8443"), lab["cookie"]]
        assert not await opens(communicator, path, other_port)


async def test_https_site_wants_https_origins(lab, communicator):
    path = events_path(lab["project"])
    with override_settings(WEBGNS_HTTPS=True):
        host = (b"host", b"127.0.0.1")
        assert await opens(communicator, path, [host, (b"origin", b"https://127.0.0.1"), lab["cookie"]])
        assert not await opens(communicator, path, [host, (b"origin", b"http://127.0.0.1"), lab["cookie"]])


def test_the_rule_looks_at_the_token_parameter_only(db):
    """An invented token passes the Origin rule (no Origin) but authenticates no one: the consumer then
    closes with 4401 (test_events_consumer.test_unknown_token_gets_4401)."""
    from webgns.live.origin import origin_allowed

    assert origin_allowed({"type": "websocket", "headers": [], "query_string": b"token=x"})
    assert not origin_allowed({"type": "websocket", "headers": [], "query_string": b""})

