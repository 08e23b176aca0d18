"""Classroom API URLs (mounted under /api/): /courses/ and what is nested under a course."""

from rest_framework.routers import SimpleRouter

from webgns.classrooms.api import views

COURSE = r"courses/(?P<course_pk>[0-9a-f-]{36})"

router = SimpleRouter()
router.register("courses", views.CourseViewSet, basename="course")
router.register("people", views.PeopleViewSet, basename="people")
router.register("assignment-for-project", views.AssignmentForProjectView, basename="assignment-for-project")
router.register(f"{COURSE}/students", views.StudentViewSet, basename="course-student")
router.register(f"{COURSE}/assignments", views.AssignmentViewSet, basename="course-assignment")
router.register(
    rf"{COURSE}/assignments/(?P<assignment_pk>[0-9a-f-]{{36}})/checks", views.CheckViewSet, basename="assignment-check"
)
router.register(f"{COURSE}/check-runs", views.CheckRunViewSet, basename="course-check-run")
router.register(f"{COURSE}/copies", views.StudentCopyViewSet, basename="course-copy")
router.register(f"{COURSE}/audit", views.AuditViewSet, basename="course-audit")

urlpatterns = router.urls
