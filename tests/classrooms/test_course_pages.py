"""The course pages' shells: login required, the bundle and the course id in the page, the project
list's link to them. What the pages show comes from the API (tested there and in tests/e2e)."""

import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client(make_api) -> Client:
    client = Client()
    client.force_login(make_api("pat").user)
    return client


def test_course_pages_need_a_login():
    client = Client()
    for path in ("/courses/", f"/courses/{uuid.uuid4()}/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_course_pages_load_the_courses_bundle(browser_client):
    listing = browser_client.get("/courses/").content.decode()
    assert "frontend/courses.js" in listing and 'id="course-rows"' in listing
    course_id = uuid.uuid4()  # any id: whether it exists for this user is the API's answer, shown by the page
    page = browser_client.get(f"/courses/{course_id}/").content.decode()
    assert f'data-course-id="{course_id}"' in page and 'data-username="pat"' in page
    assert "csrftoken" in browser_client.cookies


def test_a_course_url_that_is_not_an_id_is_404(browser_client):
    assert browser_client.get("/courses/not-a-uuid/").status_code == 404


def test_the_project_list_links_to_the_courses(browser_client):
    assert 'href="/courses/" id="courses-link"' in browser_client.get("/").content.decode()


def test_a_student_who_logs_in_at_the_site_address_lands_on_their_course(make_api):
    """`/` sends everyone to the login page with next=/; after login a student goes to their course, and
    a `next` naming any other page is still followed."""
    from webgns.classrooms.choices import Role
    from webgns.classrooms.models import Course, Enrollment

    student = make_api("sam").user
    course = Course.objects.create(name="Networks 101")
    Enrollment.objects.create(course=course, user=student, role=Role.STUDENT)
    client = Client()
    assert client.get("/")["Location"] == "/accounts/login/?next=/"
    response = client.post("/accounts/login/?next=/", {"username": "sam", "password": "pw-samsam", "next": "/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/courses/{course.id}/"

    client = Client()
    response = client.post("/accounts/login/", {"username": "sam", "password": "pw-samsam", "next": "/courses/"})
    assert response["Location"] == "/courses/"
