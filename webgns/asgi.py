"""ASGI entry point served by Daphne: HTTP to Django, websockets to the Channels consumers."""

import os

from django.core.asgi import get_asgi_application

from webgns import long_lines
from webgns.body_limit import BodyLimit

long_lines.install()  # a URL past Daphne's line limit gets 414, not a dropped connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webgns.settings")
django_asgi_app = BodyLimit(get_asgi_application())  # oversized bodies refused before Django spools them

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from webgns.live.auth import TokenOrSessionAuthMiddleware  # noqa: E402
from webgns.live.origin import OriginPolicy  # noqa: E402
from webgns.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginPolicy(TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
