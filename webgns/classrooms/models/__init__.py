"""The classroom domain's models, one concept per module."""

from webgns.classrooms.models.assignment import Assignment
from webgns.classrooms.models.audit_event import AuditEvent
from webgns.classrooms.models.check import Check
from webgns.classrooms.models.check_run import CheckResult, CheckRun
from webgns.classrooms.models.course import Course
from webgns.classrooms.models.course_account import CourseAccount
from webgns.classrooms.models.enrollment import Enrollment
from webgns.classrooms.models.student_copy import StudentCopy

__all__ = ["Assignment", "AuditEvent", "Check", "CheckResult", "CheckRun", "Course", "CourseAccount", "Enrollment",
           "StudentCopy"]
