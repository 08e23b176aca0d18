"""Views of the browser UI: each renders one page shell for a logged-in user.

The pages fetch their data themselves (REST API, events and console websockets), so a view passes
no more than the ids in its URL (TemplateView puts them in the context); access to a project or a
course is enforced by the API the page calls. Which course page (teacher's or student's) and whether
the course exists for this user are the API's answers (`role`, 404), read by the page itself, so the
page and the API never disagree.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView


def page(template_name: str, extra_context: dict | None = None) -> Callable[..., HttpResponse]:
    """A login-only page shell that also sets the CSRF cookie its API calls need."""
    view = TemplateView.as_view(template_name=template_name, extra_context=extra_context)
    return login_required(ensure_csrf_cookie(view))


class WelcomeLoginView(LoginView):
    """Django's login page, except that a login asked for by the project list itself (`next=/`, the page
    everyone is sent to first) leads where `landing` says: a student who typed the site's address lands on
    their course, not on an empty project list. Any other `next` is followed as usual."""

    def get_redirect_url(self) -> str:
        target = super().get_redirect_url()
        return "" if target == "/" else target


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where login leads: a user in one course lands on it, in several on the course list, else the projects."""
    from webgns.classrooms.models import Enrollment

    courses = list(Enrollment.objects.filter(user=request.user).values_list("course_id", flat=True)[:2])
    if len(courses) == 1:
        return HttpResponseRedirect(f"/courses/{courses[0]}/")
    return HttpResponseRedirect("/courses/" if courses else "/")
