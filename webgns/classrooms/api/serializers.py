"""REST representations of courses, students, assignments, student copies and audit events.

Serializers validate input and shape output; who may do what is decided in `classrooms.access`
and checked by the views before a serializer runs.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import serializers

from webgns.classrooms import check_kinds, instructions, roster
from webgns.classrooms.choices import Role
from webgns.classrooms.models import Assignment, AuditEvent, Check, Course, Enrollment, StudentCopy
from webgns.classrooms.models.check import MAX_CHECK_TIMEOUT
from webgns.labs import access as lab_access
from webgns.labs.models import Project

MAX_NODE_LIMIT = 10000
MAX_INSTRUCTIONS = 100_000
# What a course's teachers may change on their course (within staff's caps).
TEACHER_COURSE_FIELDS = {"student_node_limit", "course_node_limit"}


class CourseSerializer(serializers.ModelSerializer):
    teachers = serializers.SlugRelatedField(
        slug_field="username", many=True, required=False, queryset=get_user_model().objects.all()
    )
    role = serializers.SerializerMethodField(
        help_text="The requesting user's role: teacher, student or staff."
    )
    students = serializers.SerializerMethodField(help_text="How many students are enrolled.")
    student_node_limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_NODE_LIMIT)
    course_node_limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_NODE_LIMIT)
    student_node_cap = serializers.IntegerField(required=False, min_value=1, max_value=MAX_NODE_LIMIT)
    pool_node_limit = serializers.IntegerField(required=False, min_value=0, max_value=MAX_NODE_LIMIT)
    course_node_cap = serializers.IntegerField(required=False, min_value=1, max_value=MAX_NODE_LIMIT)

    class Meta:
        model = Course
        fields = [
            "id",
            "name",
            "teachers",
            "role",
            "students",
            "student_node_limit",
            "course_node_limit",
            "student_node_cap",
            "course_node_cap",
            "pool_node_limit",
            "created",
        ]

    def get_role(self, course: Course) -> str | None:
        user = self.context["request"].user
        role = course.enrollments.filter(user=user).values_list("role", flat=True).first()
        return role or ("staff" if user.is_staff else None)

    def get_students(self, course: Course) -> int:
        return course.enrollments.filter(role=Role.STUDENT).count()

    def to_representation(self, course: Course) -> dict:
        data = super().to_representation(course)
        data["teachers"] = list(course.teachers.values_list("username", flat=True))
        return data

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A course needs a name.")
        return value.strip()

    def validate_teachers(self, users: list) -> list:
        if self.instance is not None:
            students = set(self.instance.students.values_list("pk", flat=True))
            clash = sorted(u.username for u in users if u.pk in students)
            if clash:
                raise serializers.ValidationError(
                    f"{', '.join(clash)} are students of this course; remove them first."
                )
        return users

    def validate(self, data: dict) -> dict:
        """Limits stay within the caps. Staff raising a limit past its cap raise the cap with it, and a
        lowered cap pulls its limit down; a teacher asking past the cap is told the cap."""
        staff = self.context["request"].user.is_staff
        for limit, cap in (("student_node_limit", "student_node_cap"), ("course_node_limit", "course_node_cap")):
            default = Course._meta.get_field(limit).default
            value = data.get(limit, getattr(self.instance, limit, default))
            cap_value = data.get(cap, getattr(self.instance, cap, default))
            if value <= cap_value:
                continue
            if staff and cap not in data:
                data[cap] = value
            elif staff and limit not in data:
                data[limit] = cap_value
            else:
                raise serializers.ValidationError({limit: [f"Staff's cap for this course is {cap_value}."]})
        return data

    @transaction.atomic
    def create(self, validated_data: dict) -> Course:
        teachers = validated_data.pop("teachers", [])
        course = Course.objects.create(**validated_data)
        Enrollment.objects.bulk_create(
            [Enrollment(course=course, user=u, role=Role.TEACHER) for u in teachers]
        )
        return course

    @transaction.atomic
    def update(self, course: Course, validated_data: dict) -> Course:
        teachers = validated_data.pop("teachers", None)
        course = super().update(course, validated_data)
        if teachers is not None:
            course.enrollments.filter(role=Role.TEACHER).exclude(user__in=teachers).delete()
            for user in teachers:
                Enrollment.objects.get_or_create(course=course, user=user, defaults={"role": Role.TEACHER})
        return course


class PrepareSerializer(serializers.Serializer):
    seats = serializers.IntegerField(min_value=0, max_value=500, help_text="Copies to keep prepared (0 empties none).")


class UsernamesSerializer(serializers.Serializer):
    usernames = serializers.ListField(child=serializers.CharField(max_length=150), required=False, max_length=5000)


class NewUserSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    is_staff = serializers.BooleanField(default=False)


class StudentSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()


class RosterSerializer(serializers.Serializer):
    csv = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=roster.MAX_ROSTER_BYTES,
        help_text="`username,email` lines; or upload a file field named `file`.",
    )
    file = serializers.FileField(required=False)


class CopySummarySerializer(serializers.ModelSerializer):
    """A student's own copy, as shown next to an assignment."""

    project = serializers.UUIDField(source="project_id", read_only=True)
    status = serializers.CharField(source="project.status", read_only=True)

    class Meta:
        model = StudentCopy
        fields = ["id", "project", "status", "created"]


class AssignmentSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), help_text="The project to publish; owned by a teacher."
    )
    my_copy = serializers.SerializerMethodField()
    copies = serializers.SerializerMethodField(help_text="How many students have a copy (teachers only).")
    instructions_html = serializers.SerializerMethodField(help_text="The instructions rendered, raw HTML disabled.")
    checks = serializers.SerializerMethodField(help_text="How many checks the assignment has.")

    class Meta:
        model = Assignment
        fields = [
            "id", "title", "source", "published", "instructions", "instructions_html", "due", "checks",
            "my_copy", "copies", "created",
        ]

    def get_instructions_html(self, assignment: Assignment) -> str:
        return instructions.render(assignment.instructions)

    def get_checks(self, assignment: Assignment) -> int:
        return assignment.checks.count()

    @property
    def course(self) -> Course:
        return self.context["course"]

    def _manages(self) -> bool:
        return self.context["request"].user.has_perm("classrooms.manage_course", self.course)

    def get_my_copy(self, assignment: Assignment) -> dict | None:
        copy = (
            assignment.copies.filter(student=self.context["request"].user).select_related("project").first()
        )
        return CopySummarySerializer(copy).data if copy else None

    def get_copies(self, assignment: Assignment) -> int | None:
        return assignment.copies.filter(student__isnull=False).count() if self._manages() else None

    def to_representation(self, assignment: Assignment) -> dict:
        data = super().to_representation(assignment)
        if not self._manages():
            del data["source"], data["copies"]  # students never learn where the original is
        return data

    def validate_source(self, project: Project) -> Project:
        user = self.context["request"].user
        if not lab_access.can_change(user, project):
            raise serializers.ValidationError("No such project, or you may not change it.")
        if self.instance is not None and project != self.instance.source:
            raise serializers.ValidationError(
                "An assignment's project cannot change; publish a new assignment."
            )
        if not Enrollment.objects.filter(
            course=self.course, user_id=project.owner_id, role=Role.TEACHER
        ).exists():
            raise serializers.ValidationError(
                f"The project belongs to {project.owner.get_username()}, who does not teach this course."
            )
        if not project.nodes.exists():
            raise serializers.ValidationError("The project has no nodes; build the lab before publishing it.")
        return project

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("An assignment needs a title.")
        return value.strip()

    def validate_instructions(self, value: str) -> str:
        if len(value) > MAX_INSTRUCTIONS:
            raise serializers.ValidationError(f"Instructions are at most {MAX_INSTRUCTIONS} characters.")
        return value

    def create(self, validated_data: dict) -> Assignment:
        return Assignment.objects.create(course=self.course, **validated_data)


class NodeStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    error = serializers.CharField()


class StudentCopySerializer(serializers.ModelSerializer):
    """A copy in the teacher's course view: whose, of what, and the live status of each node."""

    assignment = serializers.UUIDField(source="assignment_id", read_only=True)
    assignment_title = serializers.CharField(source="assignment.title", read_only=True)
    student = serializers.CharField(source="student.username", read_only=True)
    project = serializers.UUIDField(source="project_id", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    status = serializers.CharField(source="project.status", read_only=True)
    nodes = NodeStatusSerializer(source="project.nodes.all", many=True, read_only=True)

    class Meta:
        model = StudentCopy
        fields = [
            "id",
            "assignment",
            "assignment_title",
            "student",
            "project",
            "project_name",
            "status",
            "nodes",
            "created",
        ]


class AuditEventSerializer(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "created", "username", "action", "project", "project_name", "detail"]


class CheckSerializer(serializers.ModelSerializer):
    """A check of an assignment; `node` is a node name of the assignment's lab."""

    expect = serializers.JSONField(required=False)
    timeout = serializers.IntegerField(required=False, min_value=1, max_value=MAX_CHECK_TIMEOUT)

    class Meta:
        model = Check
        fields = [
            "id", "name", "kind", "node", "command", "expect", "target", "interface", "hint", "timeout",
            "position", "created",
        ]

    @property
    def assignment(self) -> Assignment:
        return self.context["assignment"]

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("A check needs a name.")
        clash = Check.objects.filter(assignment=self.assignment, name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(f"This assignment already has a check named {value!r}.")
        return value

    def validate_node(self, value: str) -> str:
        names = list(self.assignment.source.nodes.values_list("name", flat=True))
        if value not in names:
            raise serializers.ValidationError(
                f"The lab has no node named {value!r}; its nodes are {', '.join(sorted(names)) or 'none'}."
            )
        return value

    def validate(self, data: dict) -> dict:
        merged = {f: getattr(self.instance, f) for f in ("kind", "command", "expect", "target", "interface")} \
            if self.instance is not None else {"kind": "command", "command": "", "expect": {}, "target": "",
                                               "interface": ""}
        merged |= {k: v for k, v in data.items() if k in merged}
        kind = merged["kind"]
        if kind == "command":
            if not merged["command"].strip():
                raise serializers.ValidationError({"command": ["A command check needs a command."]})
            expect = merged["expect"] or {"exit_code": 0}
            try:
                data["expect"] = check_kinds.validate_expect(expect)
            except ValueError as exc:
                raise serializers.ValidationError({"expect": [str(exc)]}) from None
        else:
            if not merged["target"].strip():
                what = {"reaches": "an address to reach", "route": "a prefix", "address": "an address"}[kind]
                raise serializers.ValidationError({"target": [f"A {kind} check needs {what}."]})
            try:
                check_kinds.plan(kind, target=merged["target"].strip(), interface=merged["interface"])
            except ValueError as exc:
                raise serializers.ValidationError({"target": [f"{merged['target']!r}: {exc}"]}) from None
            data["expect"] = {}
        return data

    def create(self, validated_data: dict) -> Check:
        return Check.objects.create(assignment=self.assignment, **validated_data)
