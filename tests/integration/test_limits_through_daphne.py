"""Through a real Daphne: oversized and over-deep bodies get a JSON 400 (never HTML, never a 500),
and ordinary requests still pass the ASGI body limit."""

import json

import pytest
import requests

from tests.live_stack import LiveStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack():
    with LiveStack(worker_concurrency=1) as running:
        yield running


def test_ten_megabytes_is_a_json_400(stack):
    body = json.dumps({"name": "big", "pad": "x" * (10 * 1024 * 1024)})
    for url in ("/api/projects/", "/api/projects/import/"):
        response = stack.api.post(stack.base_url + url, data=body, headers={"Content-Type": "application/json"},
                                  timeout=60)
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("application/json")
        assert "WEBGNS_MAX_BODY_BYTES" in response.json()["detail"]


def test_chunked_upload_without_length_is_refused(stack):
    def chunks():
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    try:
        response = stack.api.post(stack.base_url + "/api/projects/", data=chunks(),
                                  headers={"Content-Type": "application/json"}, timeout=60)
    except requests.ConnectionError:
        return  # the server answered and closed before the client finished sending: refused too
    assert response.status_code == 400 and response.json()["detail"]


def test_deep_json_and_unknown_urls_are_json(stack):
    deep = '{"name": ' + "[" * 5000 + "]" * 5000 + "}"
    response = stack.api.post(stack.base_url + "/api/projects/", data=deep,
                              headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400 and "depth" in response.json()["detail"]
    response = stack.api.get(stack.base_url + "/api/nothing-here/", timeout=30)
    assert response.status_code == 404 and response.json()["detail"]


def test_ordinary_requests_pass(stack):
    response = stack.api.post(stack.base_url + "/api/projects/", json={"name": "small"}, timeout=30)
    assert response.status_code == 201, response.text
    assert stack.api.delete(f"{stack.base_url}/api/projects/{response.json()['id']}/", timeout=30).status_code == 204


def test_a_url_past_the_line_limit_is_a_json_414(stack):
    # Twisted's default dropped the connection with no response at all for this URL.
    response = stack.api.get(stack.base_url + "/api/projects/?q=" + "x" * (20 * 1024), timeout=30)
    assert response.status_code == 414, response.text
    assert "URL" in response.json()["detail"]
    long_header = stack.api.get(stack.base_url + "/api/projects/", headers={"X-Pad": "y" * (20 * 1024)}, timeout=30)
    assert long_header.status_code == 431 and long_header.json()["detail"]
    assert stack.api.get(stack.base_url + "/api/projects/", timeout=30).status_code == 200
