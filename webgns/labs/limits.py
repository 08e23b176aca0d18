"""Limits on how much one project and one user may hold: each a setting (README, "Limits and
hardening"), each refusal a 400 naming the field and the setting.

Per project (and so per import): nodes and links. Per user, outside courses: projects owned and
nodes running at once, from the user's `UserLimits` row where staff set one, else the settings.
Staff users are not limited per user. Projects that belong to a course (students' copies) obey the
course's quotas instead; the classrooms app says which they are through `exclude_course_projects`,
so this module never imports it. Running nodes are counted by the classrooms quota code
(`classrooms.quotas`), which is where every start is checked.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from rest_framework import serializers

from webgns.labs.models import Link, Node, Project, UserLimits

_course_project_filters: list[Callable[[], Q]] = []
_running_counters: list[Callable[[object], int]] = []


def register_course_quotas(course_projects: Callable[[], Q], running_outside_courses: Callable[[object], int]) -> None:
    """Called by the classrooms app: which projects a course's quotas govern (not counted per user),
    and its count of a user's running nodes outside courses (the one quota checks use)."""
    _course_project_filters.append(course_projects)
    _running_counters.append(running_outside_courses)


def running_outside_courses(user) -> int:
    return sum(count(user) for count in _running_counters)


def course_projects_q() -> Q:
    query = Q(pk__in=[])
    for course_projects in _course_project_filters:
        query |= course_projects()
    return query


def projects_outside_courses(user) -> QuerySet[Project]:
    return Project.objects.filter(owner=user).exclude(course_projects_q())


def effective(user) -> dict[str, int | None]:
    """{"running_nodes", "projects"}: the user's limits (None: unlimited, as for staff)."""
    if user.is_staff:
        return {"running_nodes": None, "projects": None}
    row = UserLimits.objects.filter(user=user).first()
    return {
        "running_nodes": row.running_nodes if row and row.running_nodes is not None
        else settings.WEBGNS_USER_RUNNING_NODES,
        "projects": row.projects if row and row.projects is not None else settings.WEBGNS_USER_PROJECTS,
    }


def lock_user(user) -> None:
    """Hold `user`'s row until the current transaction ends: every check of a per-user count
    (projects owned, nodes running) takes it first, so two requests of one user are counted one
    after the other, never both against the same free place. (SQLite has no row locks; its
    IMMEDIATE transactions serialise writers whole.)"""
    from django.contrib.auth import get_user_model

    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def check_new_project(user) -> None:
    """Refuse a project the user may not own (create, import, duplicate, example, outside courses).
    Call it in the transaction that saves the project: it locks the user's row until then (alone,
    it is an early check that holds nothing)."""
    limit = effective(user)["projects"]
    if limit is None:
        return
    with transaction.atomic():
        lock_user(user)
        owned = projects_outside_courses(user).count()
    if owned >= limit:
        raise serializers.ValidationError(
            {"projects": [f"You own {owned} projects; your limit is {limit} (WEBGNS_USER_PROJECTS, or as staff set "
                          "it). Delete one first."]}
        )


def check_project_size(nodes: int, links: int, field_prefix: str = "") -> None:
    """Refuse a project that would hold more nodes or links than the settings allow."""
    max_nodes, max_links = settings.WEBGNS_MAX_PROJECT_NODES, settings.WEBGNS_MAX_PROJECT_LINKS
    if nodes > max_nodes:
        raise serializers.ValidationError(
            {f"{field_prefix}nodes": [f"{nodes} nodes; a project holds at most {max_nodes} "
                                      "(WEBGNS_MAX_PROJECT_NODES)."]}
        )
    if links > max_links:
        raise serializers.ValidationError(
            {f"{field_prefix}links": [f"{links} links; a project holds at most {max_links} "
                                      "(WEBGNS_MAX_PROJECT_LINKS)."]}
        )


def check_room_for_node(project: Project) -> None:
    limit = settings.WEBGNS_MAX_PROJECT_NODES
    if Node.objects.filter(project=project).count() >= limit:
        raise serializers.ValidationError(
            {"nodes": [f"This project has {limit} nodes, the most a project holds (WEBGNS_MAX_PROJECT_NODES)."]}
        )


def check_room_for_link(project: Project) -> None:
    limit = settings.WEBGNS_MAX_PROJECT_LINKS
    if Link.objects.filter(project=project).count() >= limit:
        raise serializers.ValidationError(
            {"links": [f"This project has {limit} links, the most a project holds (WEBGNS_MAX_PROJECT_LINKS)."]}
        )
