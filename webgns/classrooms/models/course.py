"""Courses: a named group of teachers and students, with the node quotas that keep one student from
starving the others. Staff create courses and name their teachers; teachers enroll students."""

import uuid

from django.conf import settings
from django.db import models

from webgns.classrooms.choices import Role

DEFAULT_STUDENT_NODE_LIMIT = 20
DEFAULT_COURSE_NODE_LIMIT = 200


class Course(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="classrooms.Enrollment", related_name="courses"
    )
    # A node counts against both limits from the moment it is asked to start until it is stopped.
    student_node_limit = models.PositiveIntegerField(default=DEFAULT_STUDENT_NODE_LIMIT)
    course_node_limit = models.PositiveIntegerField(default=DEFAULT_COURSE_NODE_LIMIT)
    # Staff's caps: teachers may move the limits above up to these, never past them.
    student_node_cap = models.PositiveIntegerField(default=DEFAULT_STUDENT_NODE_LIMIT)
    course_node_cap = models.PositiveIntegerField(default=DEFAULT_COURSE_NODE_LIMIT)
    # Nodes of prepared (paused, unclaimed) copies: their own quota, apart from the students'.
    pool_node_limit = models.PositiveIntegerField(default=DEFAULT_COURSE_NODE_LIMIT)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.name

    def members_with_role(self, role: str) -> models.QuerySet:
        return self.members.filter(enrollments__course=self, enrollments__role=role).order_by("username")

    @property
    def teachers(self) -> models.QuerySet:
        return self.members_with_role(Role.TEACHER)

    @property
    def students(self) -> models.QuerySet:
        return self.members_with_role(Role.STUDENT)
