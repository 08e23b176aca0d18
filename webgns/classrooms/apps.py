"""Classrooms: courses, enrollments, assignments and per-student copies of labs.

`ready()` wires the app into labs without labs importing it: teachers' access to their
students' copies (`access.register_project_access`) and the quota and audit receivers on
labs.Operation (`operation_hooks`).
"""

from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "webgns.classrooms"
    label = "classrooms"
    verbose_name = "Classrooms"
    _wired = False

    def ready(self) -> None:
        from webgns.classrooms import access, operation_hooks  # noqa: F401  (connects the receivers)

        if not ClassroomsConfig._wired:  # extend_access appends; never twice
            from webgns.classrooms import quotas
            from webgns.labs import limits

            access.register_project_access()
            limits.register_course_quotas(quotas.course_projects, quotas.running_outside_courses)
            ClassroomsConfig._wired = True
