"""Who may do what in a course: `rules` predicates and permissions, one place for the API and labs.

Roles are per course (an Enrollment): a course's teachers manage its students, assignments and
every student copy; its students see the course and the published assignments and start their
own copies. Staff may do everything and alone create courses, name teachers and set quotas.
`register_project_access` widens `webgns.labs.access` so a teacher sees and changes the copies
of their students (and sees the originals of their course's assignments) through the labs API
and both websockets.
"""

import rules
from django.db.models import Q

from webgns.classrooms.choices import Role
from webgns.classrooms.models import Assignment, Course, Enrollment, StudentCopy


def _has_role(user, course: Course | None, role: str) -> bool:
    if course is None or not user.is_authenticated:
        return False
    return Enrollment.objects.filter(course=course, user=user, role=role).exists()


@rules.predicate
def is_course_teacher(user, course: Course | None) -> bool:
    return _has_role(user, course, Role.TEACHER)


@rules.predicate
def is_course_student(user, course: Course | None) -> bool:
    return _has_role(user, course, Role.STUDENT)


@rules.predicate
def teaches_assignment_course(user, assignment: Assignment | None) -> bool:
    return assignment is not None and _has_role(user, assignment.course, Role.TEACHER)


@rules.predicate
def studies_published_assignment(user, assignment: Assignment | None) -> bool:
    return (
        assignment is not None and assignment.published and _has_role(user, assignment.course, Role.STUDENT)
    )


@rules.predicate
def teaches_copy_course(user, copy: StudentCopy | None) -> bool:
    return copy is not None and _has_role(user, copy.assignment.course, Role.TEACHER)


@rules.predicate
def owns_copy(user, copy: StudentCopy | None) -> bool:
    return copy is not None and copy.student_id == user.pk


def courses_taught(user):
    return Enrollment.objects.filter(user=user, role=Role.TEACHER).values("course_id")


@rules.predicate
def teaches_project_student(user, project) -> bool:
    """The project is a student's copy in a course this user teaches."""
    if project is None or not user.is_authenticated:
        return False
    return StudentCopy.objects.filter(project=project, assignment__course__in=courses_taught(user)).exists()


@rules.predicate
def teaches_project_assignment(user, project) -> bool:
    """The project is the original of an assignment in a course this user teaches (co-teachers)."""
    if project is None or not user.is_authenticated:
        return False
    return Assignment.objects.filter(source=project, course__in=courses_taught(user)).exists()


def projects_visible_to_teacher(user) -> Q:
    """Filter over labs.Project: what `teaches_project_student | teaches_project_assignment` allows."""
    taught = courses_taught(user)
    return Q(pk__in=StudentCopy.objects.filter(assignment__course__in=taught).values("project_id")) | Q(
        pk__in=Assignment.objects.filter(course__in=taught).values("source_id")
    )


is_staff = rules.is_staff

rules.add_perm("classrooms.add_course", is_staff)
rules.add_perm("classrooms.view_course", is_staff | is_course_teacher | is_course_student)
# Renaming, naming teachers and quotas: staff; quotas protect the host, which teachers do not own.
rules.add_perm("classrooms.change_course", is_staff)
rules.add_perm("classrooms.manage_course", is_staff | is_course_teacher)
rules.add_perm(
    "classrooms.view_assignment", is_staff | teaches_assignment_course | studies_published_assignment
)
rules.add_perm("classrooms.start_assignment", studies_published_assignment)
rules.add_perm("classrooms.view_copy", is_staff | teaches_copy_course | owns_copy)
rules.add_perm("classrooms.manage_copy", is_staff | teaches_copy_course)


def register_project_access() -> None:
    """Called once from the AppConfig: teachers reach their students' copies through labs."""
    from webgns.labs import access

    access.extend_access(
        view=teaches_project_student | teaches_project_assignment,
        change=teaches_project_student,
        visible=projects_visible_to_teacher,
    )


def visible_courses(user):
    if user.is_staff:
        return Course.objects.all()
    return Course.objects.filter(pk__in=Enrollment.objects.filter(user=user).values("course_id"))
