"""`POST /api/auth/token/`: DRF's token view, with the login throttling of the session login page.

Division of labour: DRF checks the credentials and issues the token; django-axes (as the first
authentication backend) counts failures. DRF hands `authenticate()` its own Request wrapper, on
which axes's lockout flag would be lost to the middleware; here authenticate gets the Django
request, and a locked-out attempt is answered 429 with the reason (webgns.ui.login_lockout).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from webgns.ui.login_lockout import TOO_MANY, lockout_message


class ThrottledObtainAuthToken(ObtainAuthToken):
    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request._request, "axes_locked_out", False):
            retry = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
            return Response({"detail": lockout_message()}, status=TOO_MANY, headers={"Retry-After": retry})
        if not valid:
            return Response(serializer.errors, status=400)
        user = serializer.validated_data["user"]
        # A token obtained is a login: axes clears the failures counted so far, Django sets last_login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
