"""The pop-out console page's shell: login required, the terminal bundle and both ids in the page. Whether the
node exists for this user is the API's answer, shown by the page (tests/e2e/test_editor_layout.py)."""

import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_terminal_page_needs_a_login():
    response = Client().get(f"/projects/{uuid.uuid4()}/nodes/{uuid.uuid4()}/terminal/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_terminal_page_loads_its_bundle(make_api):
    client = Client()
    client.force_login(make_api("pat").user)
    project_id, node_id = uuid.uuid4(), uuid.uuid4()
    page = client.get(f"/projects/{project_id}/nodes/{node_id}/terminal/").content.decode()
    assert "frontend/terminal.js" in page and "frontend/terminal.css" in page
    assert f'data-project-id="{project_id}"' in page and f'data-node-id="{node_id}"' in page
    assert "csrftoken" in client.cookies
    assert client.get(f"/projects/{project_id}/nodes/not-an-id/terminal/").status_code == 404
