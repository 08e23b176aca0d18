"""Websocket authentication: the session cookie (browsers) or `?token=<DRF token>` (scripts).

Division of labour: this module only decides who `scope["user"]` is; what that user may see or
do is asked of `webgns.labs.access` by the consumers. A token in the query string wins over the
session cookie; an unknown token leaves the user anonymous (the consumers then close with 4401),
never falls back to the cookie, so a script never acts as whoever happens to be logged in.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


def query_token(scope: dict) -> str | None:
    """The `token` query parameter of a websocket handshake, if any."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


class TokenAuthMiddleware(BaseMiddleware):
    """Sets `scope["user"]` from `?token=` when present (after the session middleware ran)."""

    async def __call__(self, scope, receive, send):
        key = query_token(scope)
        if key is not None:
            scope = dict(scope, user=await _user_for_token(key))
        return await super().__call__(scope, receive, send)


def TokenOrSessionAuthMiddleware(inner):  # noqa: N802 - a middleware factory, named like one
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
