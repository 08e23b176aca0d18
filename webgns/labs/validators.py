"""Field rules shared by models and serializers: names that are safe as hostnames and labels."""

import re

from django.core.exceptions import ValidationError

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,31}$")
PROJECT_NAME_RE = re.compile(r"^[\w][\w .()+-]{0,99}$")


def validate_name(value: str) -> None:
    # Node names become container hostnames and parts of container names.
    if not NAME_RE.match(value or ""):
        raise ValidationError(
            "Use 1-32 characters: a letter first, then letters, digits or '-' (it becomes the hostname)."
        )


def validate_project_name(value: str) -> None:
    if not PROJECT_NAME_RE.match(value or ""):
        raise ValidationError("Use 1-100 characters: letters, digits, spaces and . ( ) + - _")
