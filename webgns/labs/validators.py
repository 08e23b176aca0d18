"""Field rules shared by models and serializers: names that are safe as hostnames and labels."""

import re

from django.core.exceptions import ValidationError

# Matched with fullmatch: `$` would also match before a trailing newline.
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,31}")
PROJECT_NAME_MAX = 100
_PROJECT_NAME_CHARS = r"\w .()+-"
PROJECT_NAME_RE = re.compile(rf"\w[{_PROJECT_NAME_CHARS}]{{0,{PROJECT_NAME_MAX - 1}}}")
_NOT_IN_PROJECT_NAMES = re.compile(rf"[^{_PROJECT_NAME_CHARS}]")


def validate_name(value: str) -> None:
    # Node names become container hostnames and parts of container names.
    if not isinstance(value, str) or not NAME_RE.fullmatch(value):
        raise ValidationError(
            "Use 1-32 characters: a letter first, then letters, digits or '-' (it becomes the hostname)."
        )


def validate_project_name(value: str) -> None:
    if not isinstance(value, str) or not PROJECT_NAME_RE.fullmatch(value):
        raise ValidationError("Use 1-100 characters: letters, digits, spaces and . ( ) + - _")


def project_name_from(text: str) -> str:
    """`text` made a valid project name: other characters become "-", a word character leads, at
    most PROJECT_NAME_MAX characters. For names webgns makes from user text (titles, usernames)."""
    name = _NOT_IN_PROJECT_NAMES.sub("-", text)
    if not re.match(r"\w", name):
        name = f"copy {name}"
    return name if len(name) <= PROJECT_NAME_MAX else name[: PROJECT_NAME_MAX - 3] + "..."


def usable_project_name(value: object) -> str:
    """`value` when it is a valid project name, else one made from it (an imported file's name field)."""
    try:
        validate_project_name(value)
        return str(value)
    except Exception:
        return project_name_from(str(value))
