"""Accounts made and mended in the app: staff create users and reset anyone's password; a teacher
resets the password only of an account their course made and nobody else uses.

Passwords are generated (`roster.generate_password`), returned once to the caller and stored
only as a hash. A reset ends every way in with the old password: the user's API token is
deleted and their sessions die (Django checks a session against the password's hash).

What a teacher may reset (`teacher_may_reset`), and why each rule: enrolling an account must
never hand its owner's account to a teacher, so
- only accounts this course's roster created (`CourseAccount`), never an existing account enrolled;
- not staff and no teacher of any course (a colleague's account);
- enrolled in no course the requesting teacher does not teach (another teacher's student too);
- owning no project outside course copies (the student uses the account for labs of their own,
  which a reset would open to the teacher).
Staff may reset any student's password here and anyone's on the people page.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Course, CourseAccount, Enrollment, StudentCopy
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
    """A new password for `user`, returned once; the old password's token and sessions stop working."""
    from rest_framework.authtoken.models import Token

    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    # Sessions carry a hash of the password (Django's session verification): they are dead now.
    Token.objects.filter(user=user).delete()
    return password


def teacher_may_reset(course: Course, user, requester) -> str | None:
    """None if `requester` (a teacher of `course`, or staff) may reset `user`'s password, else why not."""
    name = user.get_username()
    if not Enrollment.objects.filter(course=course, user=user, role=Role.STUDENT).exists():
        return f"{name} is not a student of this course."
    if requester.is_staff:
        return None
    if user.is_staff or user.is_superuser:
        return f"{name} is staff; ask staff to reset this password."
    if Enrollment.objects.filter(user=user, role=Role.TEACHER).exists():
        return f"{name} teaches a course; ask staff to reset this password."
    if not CourseAccount.objects.filter(user=user, course=course).exists():
        return f"{name}'s account was not made by this course's roster; ask staff to reset this password."
    taught = Enrollment.objects.filter(user=requester, role=Role.TEACHER).values("course_id")
    if Enrollment.objects.filter(user=user).exclude(course_id__in=taught).exists():
        return f"{name} is also in a course you do not teach; ask staff to reset this password."
    from webgns.labs.models import Project

    if Project.objects.filter(owner=user).exclude(pk__in=StudentCopy.objects.values("project_id")).exists():
        return f"{name} has labs of their own outside courses; ask staff to reset this password."
    return None
