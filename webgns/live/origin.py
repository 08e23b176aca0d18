"""Which websocket handshakes may proceed, by their Origin header and how they authenticate.

Division of labour: this middleware only accepts or refuses the handshake; `webgns.live.auth`
decides who the user is and the consumers what that user may do.

Cross-site websocket hijacking works because a browser attaches the session cookie to a
websocket opened by any page, whatever its site; the Origin header is the only trace of that page.
So the rule is:

- an Origin header, when present, must be one of the site's own origins: scheme, host and port
  equal to the handshake's own (its Host header, which must itself be in ALLOWED_HOSTS, so a
  rebound DNS name does not count), or listed in `WEBGNS_ALLOWED_ORIGINS` (a site behind a TLS
  proxy lists `https://labs.example.org`). `http://127.0.0.1:9999` is not `http://127.0.0.1:8000`;
- a handshake without an Origin header is accepted only with `?token=`: a script (which sends no
  Origin) holds its token; a browser always sends Origin, so a cookie-only handshake without one
  is refused;
- a token with a foreign Origin is refused too: a page on another site has no business holding
  an API token, and a site that should (an integration) is listed in `WEBGNS_ALLOWED_ORIGINS`.

A refusal rejects the handshake (HTTP 403), before any consumer runs.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from webgns.live.auth import query_token

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str) -> tuple[str, str, int] | None:
    """`(scheme, host, port)` of an origin such as `https://Labs.example.org:8443`, or None if it is not one."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def own_origin(scope: dict) -> tuple[str, str, int] | None:
    """The origin this handshake was addressed to: its Host header, if ALLOWED_HOSTS names it."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") == "wss" or getattr(settings, "WEBGNS_HTTPS", False)
    return normalise_origin(f"{'https' if secure else 'http'}://{host}")


def configured_origins() -> set[tuple[str, str, int]]:
    origins = (normalise_origin(o) for o in getattr(settings, "WEBGNS_ALLOWED_ORIGINS", []))
    return {o for o in origins if o is not None}


def origin_allowed(scope: dict) -> bool:
    """The rule of the module docstring."""
    origin = _header(scope, b"origin")
    if origin is None:
        return query_token(scope) is not None
    parsed = normalise_origin(origin)
    return parsed is not None and (parsed == own_origin(scope) or parsed in configured_origins())


class OriginPolicy:
    """ASGI middleware: passes allowed handshakes to `application`, rejects the others."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
