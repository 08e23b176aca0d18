"""Django admin pages for courses, enrollments, assignments, copies and the audit trail."""

from django.contrib import admin

from webgns.classrooms.models import Assignment, AuditEvent, Course, Enrollment, StudentCopy


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["name", "student_node_limit", "course_node_limit", "created"]
    search_fields = ["name"]
    inlines = [EnrollmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "published", "created"]
    list_filter = ["published"]
    raw_id_fields = ["source"]


@admin.register(StudentCopy)
class StudentCopyAdmin(admin.ModelAdmin):
    list_display = ["assignment", "student", "project", "created"]
    raw_id_fields = ["project", "student"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created", "username", "action", "project_name", "course", "detail"]
    list_filter = ["action"]
    search_fields = ["username", "project_name"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
