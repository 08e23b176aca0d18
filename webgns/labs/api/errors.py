"""The API's exception handler: bad input becomes a 4xx with the field, never a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        names = ", ".join(sorted({str(o) for o in exc.protected_objects})[:5])
        return Response({"detail": f"In use by: {names}."}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        # Only a race between two requests reaches here; the serializers check first.
        return Response({"detail": f"Conflicts with a concurrent change: {exc}"}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
