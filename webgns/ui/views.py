"""Views of the browser UI: each renders one page shell for a logged-in user.

The pages fetch their data themselves (REST API, events and console websockets), so a view passes
no more than the ids in its URL; access to a project is enforced by the API the page calls.
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@login_required
@ensure_csrf_cookie
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/projects.html")


@login_required
@ensure_csrf_cookie
def editor(request: HttpRequest, project_id: UUID) -> HttpResponse:
    return render(request, "ui/editor.html", {"project_id": project_id})


@login_required
@ensure_csrf_cookie
def course_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/courses.html")


@login_required
@ensure_csrf_cookie
def course(request: HttpRequest, course_id: UUID) -> HttpResponse:
    # Which page (teacher's or student's) and whether the course exists for this user are the API's
    # answers (`role`, 404), read by the page itself, so the page and the API never disagree.
    return render(request, "ui/course.html", {"course_id": course_id})
