"""Who may see and change which project: predicates of the `rules` library, one place for all.

The REST API, both websockets and the UI ask here. Other apps widen visibility (a course's
teachers see their students' copies) by registering a predicate and a queryset filter with
`extend_access`, so this module never imports them.
"""

from collections.abc import Callable

import rules
from django.db.models import Q, QuerySet

from webgns.labs.models import Project

_visibility_filters: list[Callable[[object], Q]] = []


@rules.predicate
def is_project_owner(user, project) -> bool:
    return project is not None and project.owner_id == user.pk


is_staff = rules.is_staff
_extra_view = rules.always_deny
_extra_change = rules.always_deny


def extend_access(*, view: rules.Predicate, change: rules.Predicate, visible: Callable[[object], Q]) -> None:
    """Let another app grant access (e.g. a course's teachers on its students' copies)."""
    global _extra_view, _extra_change
    _extra_view = _extra_view | view
    _extra_change = _extra_change | change
    _visibility_filters.append(visible)
    rules.set_perm("labs.view_project", is_project_owner | is_staff | _extra_view)
    rules.set_perm("labs.change_project", is_project_owner | is_staff | _extra_change)


rules.add_perm("labs.view_project", is_project_owner | is_staff)
rules.add_perm("labs.change_project", is_project_owner | is_staff)


def visible_projects(user) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_staff:
        return Project.objects.all()
    query = Q(owner=user)
    for visible in _visibility_filters:
        query |= visible(user)
    return Project.objects.filter(query).distinct()


def can_view(user, project: Project) -> bool:
    return user.is_authenticated and user.has_perm("labs.view_project", project)


def can_change(user, project: Project) -> bool:
    return user.is_authenticated and user.has_perm("labs.change_project", project)
