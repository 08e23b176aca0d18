"""Accounts made and mended in the app: staff create users and reset anyone's password; a teacher
resets the password of a student of their course.

Passwords are generated (`roster.generate_password`), returned once to the caller and stored
only as a hash. A teacher may not reset the password of someone with more power than a student
(staff, or a teacher of any course): that would let a teacher take over a colleague's account.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Course, Enrollment
from webgns.classrooms.roster import generate_password


class AccountError(ValueError):
    """The account cannot be made or changed; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def create_account(username: str, email: str, *, is_staff: bool = False) -> tuple[object, str]:
    username, email = username.strip(), email.strip().lower()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise AccountError("username", " ".join(exc.messages)) from None
    if not username or len(username) > 150:
        raise AccountError("username", "A username has 1 to 150 characters.")
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError("email", f"{email!r} is not a valid address.") from None
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise AccountError("username", f"User {username!r} already exists.")
    password = generate_password()
    return users.objects.create_user(username, email, password, is_staff=is_staff), password


def reset_password(user) -> str:
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def teacher_may_reset(course: Course, user) -> str | None:
    """None if a teacher of `course` may reset `user`'s password, else why not."""
    if not Enrollment.objects.filter(course=course, user=user, role=Role.STUDENT).exists():
        return f"{user.get_username()} is not a student of this course."
    if user.is_staff or user.is_superuser:
        return f"{user.get_username()} is staff; ask staff to reset this password."
    if Enrollment.objects.filter(user=user, role=Role.TEACHER).exists():
        return f"{user.get_username()} teaches a course; ask staff to reset this password."
    return None
