"""Every API error is JSON: bad input becomes a 4xx with the field, never a 500 or an HTML page.

`exception_handler` is DRF's hook (errors raised inside API views); `bad_request`, `not_found`
and `server_error` are Django's handler400/404/500 (errors outside any view, such as an unknown
URL), answering JSON under /api/ and Django's usual pages elsewhere.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from webgns.tasks.routing import BrokerUnavailable


def too_big_message() -> str:
    return (f"The request body is larger than {settings.WEBGNS_MAX_BODY_BYTES} bytes, this server's limit "
            f"(WEBGNS_MAX_BODY_BYTES).")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": too_big_message()}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooManyFieldsSent | SuspiciousOperation):
        return Response({"detail": f"Refused: {exc}"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        names = ", ".join(sorted({str(o) for o in exc.protected_objects})[:5])
        return Response({"detail": f"In use by: {names}."}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, BrokerUnavailable):
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    if isinstance(exc, IntegrityError):
        # Only a race between two requests reaches here; the serializers check first.
        return Response({"detail": f"Conflicts with a concurrent change: {exc}"}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": too_big_message()}, status=400)
    return JsonResponse({"detail": f"Bad request: {exception or 'refused'}"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse({"detail": str(exception or "Permission denied.")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Internal error; it has been logged."}, status=500)
