"""What a locked-out login attempt gets back (django-axes calls this; see AXES_LOCKOUT_CALLABLE).

Division of labour: django-axes counts failed logins and decides who is locked out; this module
only words the answer: a 429 JSON body for the API (`POST /api/auth/token/`), and the login page
again with the message beside the form for people.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

TOO_MANY = 429


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (f"Too many failed logins for this account from your address: try again in {minutes} minutes "
            "(or ask an administrator to unlock it).")


def lockout_response(request: HttpRequest, *_ignored: object) -> HttpResponse:
    """`*_ignored`: axes passes the original response and the credentials, or the credentials alone."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=TOO_MANY)
    else:
        form = AuthenticationForm(request)
        response = render(request, "registration/login.html",
                          {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")},
                          status=TOO_MANY)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
