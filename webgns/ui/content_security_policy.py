"""The Content-Security-Policy header on every response (Django 5.2 has no CSP of its own).

Division of labour: Django's SecurityMiddleware and clickjacking middleware send the other
security headers (settings.py names them); this middleware only adds CSP, from settings.WEBGNS_CSP.

The policy fits what the pages are: every script is a file served from this site (the editor's
bundle has no inline script; Swagger UI runs as drf-spectacular's "split" view for that reason),
so `script-src 'self'` stops an injected script. Styles allow 'unsafe-inline' because xterm.js and
Cytoscape.js set style attributes and add <style> elements at run time; an injected style cannot run code.
`connect-src 'self'` covers the REST API and, in CSP level 3 browsers, the ws:/wss: sockets of the same host.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(f"{name} {' '.join(values)}" for name, values in settings.WEBGNS_CSP.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
