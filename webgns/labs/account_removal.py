"""Deleting a user's account without leaving their labs running on a host.

Division of labour: the API views (`/api/users/<id>/`, `/api/people/<username>/`) decide who may ask;
this module does it. Each of the user's projects is deleted the way DELETE /api/projects/<id>/ does it
(`dispatch.delete_project`: the rows go, and once that commits each host removes the containers, which
stops them); then the account goes with what belongs to it alone (tokens, enrollments, limits, captures).
Something another user still needs — an assignment made from one of their projects, a node of someone
else's lab made from one of their templates — refuses the whole deletion, nothing half done, with the
reason in words.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError

from webgns.labs import dispatch


class AccountInUse(Exception):
    """The account is still needed by records of other users; the message names them."""


def _describe(obj: object) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"  # type: ignore[attr-defined]


def refusal(requester, user) -> str | None:
    """Why `requester` (staff, checked by the view) may not delete `user`'s account, or None."""
    if requester.pk == user.pk:
        return "You cannot delete your own account."
    if user.is_superuser and not requester.is_superuser:
        return "Only a superuser deletes a superuser's account."
    return None


def delete_account(user) -> int:
    """Delete `user` and every project they own (hosts cleaned after commit); returns how many projects
    went. Raises AccountInUse, with nothing deleted, when other users' records still need the account."""
    try:
        with transaction.atomic():
            projects = list(user.projects.all())
            for project in projects:
                dispatch.delete_project(project)
            user.delete()
    except ProtectedError as error:
        needed = sorted({_describe(obj) for obj in error.protected_objects})
        shown = ", ".join(needed[:5]) + (f" and {len(needed) - 5} more" if len(needed) > 5 else "")
        raise AccountInUse(f"{user.get_username()}'s account is still needed by {shown}: delete those "
                           "first (an assignment made from one of their projects, a node made from one of "
                           "their templates).") from None
    return len(projects)
