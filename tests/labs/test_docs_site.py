"""The documentation site at /docs/ (webgns.ui.docs_view): the real `mkdocs build --strict` of docs/, served
without login, only from inside the built folder, with a CSP that lets exactly the theme's inline scripts run."""

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("docs-site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=settings.BASE_DIR,
        check=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    return site


@pytest.fixture
def served(built_site: Path, settings) -> Path:
    settings.WEBGNS_DOCS_SITE_DIR = built_site
    return built_site


def test_the_docs_home_is_served_without_login(served):
    response = Client().get("/docs/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "webgns documentation" in response.content.decode()


def test_a_page_and_an_asset_under_it(served):
    client = Client()
    page = client.get("/docs/user-guide/")
    assert page.status_code == 200 and "Packet capture and link load" in page.content.decode()
    # Pages link relatively, so a folder without its slash is sent to the slashed URL.
    assert client.get("/docs/teacher-guide")["Location"] == "/docs/teacher-guide/"
    css = next((served / "assets" / "stylesheets").glob("main.*.min.css")).name
    asset = client.get(f"/docs/assets/stylesheets/{css}")
    assert asset.status_code == 200 and asset["Content-Type"].startswith("text/css")


def test_nothing_outside_the_site_folder(served):
    (served.parent / "secret.txt").write_text("not documentation")
    client = Client()
    for path in ("/docs/../secret.txt", "/docs/%2e%2e/secret.txt", "/docs/..%2fsecret.txt", "/docs/no-such-page/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"not documentation" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_only_the_themes_own_inline_scripts_may_run(served):
    response = Client().get("/docs/")
    scripts = re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.content, re.DOTALL)
    assert scripts
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src "))
    for body in scripts:
        assert "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'" in script_src
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in policy


def test_a_missing_build_says_run_make_docs(tmp_path, settings):
    settings.WEBGNS_DOCS_SITE_DIR = tmp_path / "never-built"
    response = Client().get("/docs/")
    assert response.status_code == 404 and b"make docs" in response.content


def test_every_page_header_links_the_docs(make_api):
    client = Client()
    client.force_login(make_api("pat").user)
    assert 'href="/docs/"' in client.get("/").content.decode()
