"""REST views under /api/courses/: courses, their students, assignments, student copies and audit.

Every decision of who may do what is a `rules` permission from `classrooms.access`, asked
through `_require`; a course the user is not in answers 404, an action their role lacks 403.
Host work (start, stop, cleanup) goes through `classrooms.copies` to `webgns.labs.dispatch`.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from webgns.classrooms import access, accounts, copies, grading, pool, roster
from webgns.classrooms.api import serializers as s
from webgns.classrooms.choices import Role
from webgns.classrooms.models import Assignment, AuditEvent, Check, CheckRun, Course, Enrollment, StudentCopy
from webgns.labs.api.parsers import BoundedJSONParser
from webgns.labs.api.views import delete_user

MESSAGES = {
    "classrooms.add_course": "Only staff create courses.",
    "classrooms.change_course": "Only staff rename a course, name its teachers or change its caps; teachers "
    "may change its node limits within the caps.",
    "classrooms.manage_course": "Only this course's teachers may do that.",
    "classrooms.start_assignment": "Only this course's students start copies of its published assignments.",
    "classrooms.manage_copy": "Only this course's teachers may do that.",
}


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` through content negotiation; the view hands it the finished text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, str) else ""


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(MESSAGES.get(perm, "You may not do that."))


def _copies_of(course: Course, request):
    found = StudentCopy.objects.filter(assignment__course=course, student__isnull=False)
    if assignment := request.query_params.get("assignment"):
        found = found.filter(assignment_id=assignment)
    if student := request.query_params.get("student"):
        found = found.filter(student__username=student)
    return found


class CourseViewSet(viewsets.ModelViewSet):
    serializer_class = s.CourseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no real user
            return Course.objects.none()
        return access.visible_courses(self.request.user)

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "create":  # before validation: a refusal never depends on the body
            _require(request.user, "classrooms.add_course")

    def get_object(self) -> Course:
        course = super().get_object()
        user = self.request.user
        if self.action in ("update", "partial_update", "destroy"):
            body = self.request.data
            is_object = isinstance(body, dict)
            limits_only = self.action == "partial_update" and is_object and set(body) <= s.TEACHER_COURSE_FIELDS
            if not (limits_only and user.has_perm("classrooms.manage_course", course)):
                _require(user, "classrooms.change_course", course)
            if self.action != "destroy" and not is_object:  # after the permission: refusals never depend on it
                raise ValidationError({"detail": "The body must be a JSON object."})
        return course

    @transaction.atomic
    def perform_destroy(self, course: Course) -> None:
        copies.delete_copies(StudentCopy.objects.filter(assignment__course=course), self.request.user)
        course.delete()


class CourseScoped:
    """Mixin for views nested under /courses/{course_pk}/: the course, visible to this user, once."""

    def get_course(self) -> Course:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL arguments
            return Course()
        if not hasattr(self, "_course"):
            self._course = get_object_or_404(
                access.visible_courses(self.request.user), pk=self.kwargs["course_pk"]
            )
        return self._course

    def get_serializer_context(self) -> dict:
        return super().get_serializer_context() | {"course": self.get_course()}


class StudentViewSet(CourseScoped, viewsets.GenericViewSet):
    """A course's students: list, enroll one, import a CSV roster, remove one."""

    serializer_class = s.StudentSerializer
    lookup_field = "username"
    lookup_value_regex = r"[\w.@+-]+"
    # What an OPTIONS request and the schema describe; the actions build their own bodies.
    serializer_class = s.NewUserSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        _require(request.user, "classrooms.manage_course", self.get_course())

    def list(self, request, course_pk=None) -> Response:
        enrollments = self.get_course().enrollments.filter(role=Role.STUDENT).select_related("user")
        enrollments = enrollments.order_by("user__username")
        return Response(
            [{"username": e.user.username, "email": e.user.email, "enrolled": e.created} for e in enrollments]
        )

    @extend_schema(request=s.StudentSerializer, responses={201: dict})
    def create(self, request, course_pk=None) -> Response:
        body = s.StudentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = roster.RosterResult()
        try:
            with transaction.atomic():
                roster.enroll_student(
                    self.get_course(), body.validated_data["username"], body.validated_data["email"], result
                )
        except roster.RosterError as exc:
            raise ValidationError({"username": [str(exc)]}) from None
        row = (result.created or result.enrolled or result.unchanged)[0]
        created = bool(result.created or result.enrolled)
        # The password appears here once (new accounts only); it is stored only as a hash.
        return Response(
            row | {"new_account": bool(result.created)},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=s.RosterSerializer, responses={200: dict})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, BoundedJSONParser],
    )
    def import_(self, request, course_pk=None) -> Response:
        body = s.RosterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data.get("file")
        if upload is not None:
            if upload.size > roster.MAX_ROSTER_BYTES:
                raise ValidationError({"file": [f"A roster is at most {roster.MAX_ROSTER_BYTES} bytes."]})
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    {"file": ["The file is not UTF-8 text; save the CSV as UTF-8."]}
                ) from None
        elif "csv" in body.validated_data:
            text = body.validated_data["csv"]
        else:
            raise ValidationError({"file": ["Upload a CSV file as `file`, or send its text as `csv`."]})
        return Response(roster.import_roster(self.get_course(), text).as_dict())

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, course_pk=None, username=None) -> Response:
        """A new password for one student, returned once."""
        enrollment = get_object_or_404(
            Enrollment, course=self.get_course(), role=Role.STUDENT, user__username=username
        )
        if refusal := accounts.teacher_may_reset(self.get_course(), enrollment.user, request.user):
            raise PermissionDenied(refusal)
        user = enrollment.user
        return Response({"username": user.username, "email": user.email, "password": accounts.reset_password(user)})

    @extend_schema(request=s.UsernamesSerializer, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="reset-passwords")
    def reset_passwords(self, request, course_pk=None) -> Response:
        """New passwords for every student (or the `usernames` given), returned once, to hand out as CSV.
        Students who are also staff or teachers are skipped and listed."""
        body = s.UsernamesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        course = self.get_course()
        enrollments = course.enrollments.filter(role=Role.STUDENT).select_related("user").order_by("user__username")
        if wanted := body.validated_data.get("usernames"):
            enrollments = enrollments.filter(user__username__in=wanted)
        passwords, skipped = [], []
        with transaction.atomic():
            for enrollment in enrollments:
                user = enrollment.user
                if refusal := accounts.teacher_may_reset(course, user, request.user):
                    skipped.append({"username": user.username, "reason": refusal})
                    continue
                passwords.append(
                    {"username": user.username, "email": user.email, "password": accounts.reset_password(user)}
                )
        return Response({"passwords": passwords, "skipped": skipped})

    def destroy(self, request, course_pk=None, username=None) -> Response:
        enrollment = get_object_or_404(
            Enrollment, course=self.get_course(), role=Role.STUDENT, user__username=username
        )
        enrollment.delete()  # their copies stay, for the teacher to grade or delete
        return Response(status=status.HTTP_204_NO_CONTENT)


class PoolMixin:
    """The warm pool's two actions on an assignment (mixed into AssignmentViewSet)."""

    @extend_schema(request=s.PrepareSerializer, responses={202: dict})
    @action(detail=True, methods=["post"])
    def prepare(self, request, course_pk=None, pk=None) -> Response:
        """Keep `seats` copies started and paused for students to claim; makes the missing ones now."""
        assignment = self.get_object()
        _require(request.user, "classrooms.manage_course", self.get_course())
        body = s.PrepareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = pool.prepare(assignment, body.validated_data["seats"], request.user)
        return Response({"made": len(made)} | pool.state(assignment), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="pool")
    def pool_state(self, request, course_pk=None, pk=None) -> Response:
        assignment = self.get_object()
        _require(request.user, "classrooms.manage_course", self.get_course())
        return Response(pool.state(assignment))


class AssignmentViewSet(CourseScoped, PoolMixin, viewsets.ModelViewSet):
    serializer_class = s.AssignmentSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        course = self.get_course()
        found = Assignment.objects.filter(course=course).select_related("course", "source")
        if not self.request.user.has_perm("classrooms.manage_course", course):
            found = found.filter(published=True)
        return found

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if self.action in ("create", "update", "partial_update", "destroy"):
            _require(request.user, "classrooms.manage_course", self.get_course())

    @transaction.atomic
    def perform_destroy(self, assignment: Assignment) -> None:
        copies.delete_copies(assignment.copies.all(), self.request.user)
        assignment.delete()

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def start(self, request, course_pk=None, pk=None) -> Response:
        """Make the requesting student's copy on first use, then start it (quota checked first)."""
        assignment = self.get_object()
        _require(request.user, "classrooms.start_assignment", assignment)
        copy, operation = copies.start_copy(assignment, request.user)
        return Response(
            {"operation": str(operation.id), "copy": s.CopySummarySerializer(copy).data},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"], url_path="check-all")
    def check_all(self, request, course_pk=None, pk=None) -> Response:
        """Run the assignment's checks on every student's copy, one worker task per copy."""
        assignment = self.get_object()
        _require(request.user, "classrooms.manage_course", self.get_course())
        if not assignment.checks.exists():
            raise ValidationError({"checks": ["This assignment has no checks yet."]})
        runs = grading.request_checks(assignment.copies.filter(student__isnull=False), request.user)
        return Response({"operations": [str(r.id) for r in runs]}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: dict})
    @action(
        detail=True, methods=["get"], renderer_classes=[JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    )
    def grades(self, request, course_pk=None, pk=None) -> Response:
        """Student × check: the latest result of each check with its time; `?format=csv` for a sheet."""
        assignment = self.get_object()
        _require(request.user, "classrooms.manage_course", self.get_course())
        if request.accepted_renderer.format == "csv":
            filename = f"grades-{assignment.title}.csv".replace('"', "")
            return Response(
                grading.grid_csv(assignment),
                content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(grading.grid(assignment))


class AssignmentForProjectView(viewsets.ViewSet):
    """What the editor shows beside a lab that is a student's copy (or an assignment's original):
    the assignment's instructions, its due date, and the copy to check."""

    lookup_value_regex = r"[0-9a-f-]{36}"

    @extend_schema(
        responses={200: dict},
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="A project id.")],
    )
    def retrieve(self, request, pk=None) -> Response:
        user = request.user
        copy = StudentCopy.objects.select_related("assignment__course").filter(project_id=pk).first()
        if copy is not None and user.has_perm("classrooms.view_copy", copy):
            assignment, copy_id = copy.assignment, str(copy.id)
        else:
            assignment = (
                Assignment.objects.select_related("course")
                .filter(source_id=pk, course__in=access.visible_courses(user))
                .first()
            )
            if assignment is None or not user.has_perm("classrooms.manage_course", assignment.course):
                raise NotFound("This project is not part of an assignment you can see.")
            copy_id = None
        course = assignment.course
        data = s.AssignmentSerializer(assignment, context={"request": request, "course": course}).data
        return Response(
            {
                "course": {"id": str(course.id), "name": course.name},
                "assignment": data,
                "copy": copy_id,
                "own_copy": copy is not None and copy.student_id == user.pk,
            }
        )


class CheckViewSet(CourseScoped, viewsets.ModelViewSet):
    """An assignment's checks, written by its course's teachers."""

    serializer_class = s.CheckSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_assignment(self) -> Assignment:
        if getattr(self, "swagger_fake_view", False):
            return Assignment()
        if not hasattr(self, "_assignment"):
            self._assignment = get_object_or_404(
                Assignment.objects.select_related("source"),
                course=self.get_course(),
                pk=self.kwargs["assignment_pk"],
            )
        return self._assignment

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        _require(request.user, "classrooms.manage_course", self.get_course())

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Check.objects.none()
        return Check.objects.filter(assignment=self.get_assignment())

    def get_serializer_context(self) -> dict:
        return super().get_serializer_context() | {"assignment": self.get_assignment()}


class CheckRunViewSet(CourseScoped, viewsets.GenericViewSet):
    """One press of "Check my work": its status, then its results (poll by the 202's operation id)."""

    def get_queryset(self):
        return CheckRun.objects.filter(copy__assignment__course=self.get_course()).select_related(
            "copy__assignment"
        )

    @extend_schema(responses={200: dict})
    def retrieve(self, request, course_pk=None, pk=None) -> Response:
        run = get_object_or_404(self.get_queryset(), pk=pk)
        if not request.user.has_perm("classrooms.view_copy", run.copy):
            raise NotFound()
        checks = {c.id: c for c in run.copy.assignment.checks.all()}
        results = [grading.result_row(checks[r.check_item_id], r) for r in run.results.all()]
        return Response(
            {
                "id": str(run.id),
                "copy": str(run.copy_id),
                "status": run.status,
                "error": run.error,
                "created": run.created,
                "finished": run.finished,
                "results": results,
            }
        )


class StudentCopyViewSet(
    CourseScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The teacher's view of every student copy in the course, and the teacher's actions on them."""

    serializer_class = s.StudentCopySerializer
    # A student may ask these of their own copy; everything else is for the course's teachers.
    STUDENT_ACTIONS = ("check", "checks")

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if self.action not in self.STUDENT_ACTIONS:
            _require(request.user, "classrooms.manage_course", self.get_course())

    def _viewable_copy(self) -> StudentCopy:
        copy = self.get_object()
        if not self.request.user.has_perm("classrooms.view_copy", copy):
            raise NotFound()  # another student's copy: its existence is not confirmed
        return copy

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def check(self, request, course_pk=None, pk=None) -> Response:
        """Run the assignment's checks on this copy (a student on their own, a teacher on any)."""
        copy = self._viewable_copy()
        if not copy.assignment.checks.exists():
            raise ValidationError({"checks": ["This assignment has no checks."]})
        (run,) = grading.request_checks([copy], request.user)
        return Response({"operation": str(run.id)}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["get"])
    def checks(self, request, course_pk=None, pk=None) -> Response:
        """Each check with its latest result on this copy (`passed` null: not run yet)."""
        return Response(grading.latest_results(self._viewable_copy()))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StudentCopy.objects.none()
        return (
            _copies_of(self.get_course(), self.request)
            .select_related("assignment", "student", "project")
            .prefetch_related("project__nodes")
        )

    def perform_destroy(self, copy: StudentCopy) -> None:
        _require(self.request.user, "classrooms.manage_copy", copy)
        copies.delete_copies(StudentCopy.objects.filter(pk=copy.pk), self.request.user)

    @extend_schema(request=None, responses={200: s.StudentCopySerializer})
    @action(detail=True, methods=["post"])
    def reset(self, request, course_pk=None, pk=None) -> Response:
        """Replace the copy by a fresh copy of the original (stopped); the old one leaves the host."""
        copy = self.get_object()
        _require(request.user, "classrooms.manage_copy", copy)
        copy = copies.reset_copy(copy, request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=copy.pk)).data)

    @extend_schema(request=None, responses={202: dict})
    @action(detail=False, methods=["post"], url_path="stop-all")
    def stop_all(self, request, course_pk=None) -> Response:
        """Stop every copy (filtered by ?assignment= or ?student=) that has a node running."""
        operations = copies.stop_copies(_copies_of(self.get_course(), request), request.user)
        return Response({"operations": [str(op.id) for op in operations]}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="delete-all")
    def delete_all(self, request, course_pk=None) -> Response:
        """End of term: delete every copy (filtered by ?assignment= or ?student=) and its containers."""
        return Response(
            {"deleted": copies.delete_copies(_copies_of(self.get_course(), request), request.user)}
        )


class AuditViewSet(CourseScoped, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The course's audit trail, newest first; ?student= and ?action= narrow it."""

    serializer_class = s.AuditEventSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        _require(request.user, "classrooms.manage_course", self.get_course())

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        events = AuditEvent.objects.filter(course=self.get_course())
        if student := self.request.query_params.get("student"):
            events = events.filter(username=student)
        if action_name := self.request.query_params.get("action"):
            events = events.filter(action=action_name)
        return events


class PeopleViewSet(viewsets.GenericViewSet):
    """Staff's people page (/api/people/): list users, create one with a generated password (returned once),
    reset a password, delete one. (/api/users/ stays the plain account API of labs.)"""

    lookup_field = "username"
    lookup_value_regex = r"[\w.@+-]+"
    # What an OPTIONS request and the schema describe; the actions build their own bodies.
    serializer_class = s.NewUserSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not request.user.is_staff:
            raise PermissionDenied("Only staff manage accounts.")

    def get_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.order_by("username")

    @staticmethod
    def _row(user) -> dict:
        return {
            "username": user.username,
            "email": user.email,
            "is_staff": user.is_staff,
            "courses": user.enrollments.count(),
            "last_login": user.last_login,
            "date_joined": user.date_joined,
        }

    @extend_schema(responses={200: dict})
    def list(self, request) -> Response:
        users = self.get_queryset()
        if query := request.query_params.get("q"):
            users = users.filter(username__icontains=query)
        return Response([self._row(u) for u in users[:1000]])

    @extend_schema(request=s.NewUserSerializer, responses={201: dict})
    def create(self, request) -> Response:
        body = s.NewUserSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            user, password = accounts.create_account(data["username"], data["email"], is_staff=data["is_staff"])
        except accounts.AccountError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        return Response(self._row(user) | {"password": password}, status=status.HTTP_201_CREATED)

    def destroy(self, request, username=None) -> Response:
        """Delete the account and every project it owns (their hosts remove the containers): 204; 403 for
        one's own account or a superuser's (unless a superuser asks); 409 naming what still needs it."""
        return delete_user(request.user, get_object_or_404(self.get_queryset(), username=username))

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, username=None) -> Response:
        user = get_object_or_404(self.get_queryset(), username=username)
        return Response({"username": user.username, "email": user.email, "password": accounts.reset_password(user)})
