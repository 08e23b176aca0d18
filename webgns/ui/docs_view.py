"""The documentation site at /docs/: the files `make docs` builds from docs/ (MkDocs) into var/docs-site.

Open to everyone, logged in or not: it is the same text as the repository's docs/. Paths are resolved
inside the site folder only (`..` or a link pointing out → 404). A folder answers its index.html, and a
folder asked for without its trailing slash is redirected to it, since the pages link relatively.

The pages of MkDocs Material carry a few inline scripts (theme palette, local storage helpers), which the
site-wide CSP (`script-src 'self'`) would block; each HTML answer therefore gets the site's policy with the
SHA-256 of exactly those scripts added, so nothing injected elsewhere runs.
"""

import base64
import hashlib
import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
_NOT_BUILT = "The documentation site is not built: run `make docs` (it builds docs/ into {site}).\n"


def docs_site_dir() -> Path:
    return Path(getattr(settings, "WEBGNS_DOCS_SITE_DIR", settings.BASE_DIR / "var" / "docs-site"))


def _policy_with_scripts(html: bytes) -> str:
    policy = {name: list(values) for name, values in settings.WEBGNS_CSP.items()}
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    }
    policy["script-src"] = policy.get("script-src", ["'self'"]) + sorted(hashes)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


def docs_page(request: HttpRequest, path: str = "") -> HttpResponse:
    """One file of the built documentation site; 404 outside it or when the site was never built."""
    site = docs_site_dir().resolve()
    if not (site / "index.html").is_file():
        return HttpResponseNotFound(_NOT_BUILT.format(site=site), content_type="text/plain; charset=utf-8")
    target = (site / path).resolve()
    if target != site and site not in target.parents:
        return HttpResponseNotFound("Not in the documentation.\n", content_type="text/plain; charset=utf-8")
    if target.is_dir():
        if path and not path.endswith("/"):
            return HttpResponseRedirect(request.path + "/")
        target = target / "index.html"
    if not target.is_file():
        return HttpResponseNotFound("No such documentation page.\n", content_type="text/plain; charset=utf-8")
    content_type, encoding = mimetypes.guess_type(target.name)
    if content_type == "text/html":
        html = target.read_bytes()
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = _policy_with_scripts(html)
        return response
    # A gzipped sitemap is a file to download, not a body to decode.
    if encoding:
        content_type = "application/octet-stream"
    return FileResponse(target.open("rb"), content_type=content_type or "application/octet-stream")
