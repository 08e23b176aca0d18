"""Enrolling students: one at a time or from a CSV roster of `username,email` lines.

A roster import is partial by design: every good line is enrolled and every bad line is reported
with its line number and the reason, so a teacher fixes only those lines and uploads them again
(re-uploading good lines is harmless: already enrolled students are reported, not duplicated).
New accounts get a generated password that is returned once and stored only as a hash, and are
recorded as made by the course (`CourseAccount`). An existing account is enrolled only when the
line's email matches it, so a typo cannot enroll a stranger; enrolling it gives the teacher no
power over it (no password reset: `accounts.teacher_may_reset`). All lines are applied in one transaction.
"""

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Course, CourseAccount, Enrollment

MAX_ROSTER_BYTES = 1 << 20
MAX_ROSTER_LINES = 5000
PASSWORD_BYTES = 12
HEADER = ("username", "email")


class RosterError(ValueError):
    """A line that cannot be enrolled; the message says why."""


@dataclass
class RosterResult:
    created: list[dict] = field(default_factory=list)  # new accounts, with their one-time password
    enrolled: list[dict] = field(default_factory=list)  # existing accounts now enrolled
    unchanged: list[dict] = field(default_factory=list)  # already students of this course
    errors: list[dict] = field(default_factory=list)  # {"line": n, "text": ..., "error": ...}

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "enrolled": self.enrolled,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def generate_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def _clean(username: str, email: str) -> tuple[str, str]:
    username, email = username.strip(), email.strip()
    if not username:
        raise RosterError("the username is empty.")
    if len(username) > 150:
        raise RosterError("the username is longer than 150 characters.")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise RosterError(f"username {username!r}: {' '.join(exc.messages)}") from None
    try:
        validate_email(email)
    except ValidationError:
        raise RosterError(f"email {email!r} is not a valid address.") from None
    return username, email.lower()


def enroll_student(
    course: Course, username: str, email: str, result: RosterResult, line: int | None = None
) -> None:
    """Enroll one student (creating the account if needed), recording the outcome in `result`."""
    username, email = _clean(username, email)
    users = get_user_model()
    user = users.objects.filter(username=username).first()
    row = {"username": username, "email": email} | ({"line": line} if line is not None else {})
    if user is not None and user.email.lower() != email:
        raise RosterError(
            f"user {username!r} exists with another email address; check the line or the username."
        )
    enrollment = Enrollment.objects.filter(course=course, user=user).first() if user else None
    if enrollment is not None:
        if enrollment.role != Role.STUDENT:
            raise RosterError(f"{username!r} teaches this course and cannot also be a student in it.")
        result.unchanged.append(row)
        return
    if user is None:
        password = generate_password()
        user = users.objects.create_user(username, email, password)
        # Only an account the course made is ever the teacher's to reset (`accounts.teacher_may_reset`).
        CourseAccount.objects.create(user=user, course=course)
        result.created.append(row | {"password": password})
    else:
        result.enrolled.append(row)
    Enrollment.objects.create(course=course, user=user, role=Role.STUDENT)


def _lines(text: str):
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(f.strip() for f in fields):
            continue  # blank lines are not errors
        yield number, fields


@transaction.atomic
def import_roster(course: Course, text: str) -> RosterResult:
    """Enroll every good line of a `username,email` CSV; report each bad line by number."""
    result = RosterResult()
    seen: dict[str, int] = {}
    for number, fields in _lines(text):
        raw = ",".join(fields)
        if number == 1 and tuple(f.strip().lower() for f in fields) == HEADER:
            continue
        if number > MAX_ROSTER_LINES:
            result.errors.append(
                {
                    "line": number,
                    "text": raw,
                    "error": f"a roster has at most {MAX_ROSTER_LINES} lines; split the file.",
                }
            )
            break
        try:
            if len(fields) != 2:
                raise RosterError(f"expected 2 fields (username,email), found {len(fields)}.")
            key = fields[0].strip()
            if key in seen:
                raise RosterError(f"username {key!r} already appears on line {seen[key]}.")
            with transaction.atomic():  # a failing line leaves nothing behind
                enroll_student(course, fields[0], fields[1], result, line=number)
            seen[key] = number
        except RosterError as exc:
            result.errors.append({"line": number, "text": raw, "error": str(exc)})
    return result
