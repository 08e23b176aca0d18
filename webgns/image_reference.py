"""Docker image references: parsed by the grammar of distribution/reference, and their registry.

Shared by the API (refuses a template whose image is not a reference) and the engine (refuses to
hand Docker anything else, and pulls only from allowed registries), so plain Python: no Django,
no engine. An image name reaches Docker's URL paths (`/images/<name>/json`): anything outside the
grammar, like `../../containers/<id>`, would address another API endpoint.

Grammar (github.com/distribution/reference, reference.go):
    reference       := name [ ":" tag ] [ "@" digest ]
    name            := [domain '/'] remote-name
    domain          := host [':' port-number]
    host            := domain-name | IPv4address | '[' IPv6address ']'
    domain-name     := domain-component ['.' domain-component]*
    domain-component:= /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
    remote-name     := path-component ['/' path-component]*
    path-component  := alpha-numeric [separator alpha-numeric]*
    separator       := /[_.]|__|[-]*/
    tag             := /[\\w][\\w.-]{0,127}/
    digest          := algorithm ":" hex   (algorithm /[A-Za-z][A-Za-z0-9]*([+.-_][A-Za-z][A-Za-z0-9]*)*/,
                                             hex /[0-9a-fA-F]{32,}/)
The first component is a registry (domain) only if it holds "." or ":" or is "localhost"; an
image without one comes from Docker Hub, `docker.io`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 255  # the name part, as Docker limits it
DEFAULT_REGISTRY = "docker.io"

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[_.]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"(?P<name>(?:(?P<first>{_DOMAIN})/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?",
    re.ASCII,
)


class InvalidReference(ValueError):
    """Not a Docker image reference; the message says why."""


@dataclass(frozen=True)
class ImageReference:
    registry: str  # "docker.io" when the name has no domain
    repository: str  # the name without its registry
    tag: str
    digest: str
    # The name spells its registry ("docker.io/library/alpine" does, "alpine" does not): a
    # registry named is one the user asks to pull from, even Docker Hub.
    explicit_registry: bool = False


def parse(image: str) -> ImageReference:
    """The reference's parts; raises InvalidReference for anything outside the grammar."""
    if not isinstance(image, str) or not image:
        raise InvalidReference("An image reference is required.")
    match = _REFERENCE.fullmatch(image)
    if match is None:
        raise InvalidReference(
            f"{image!r} is not a Docker image reference ([registry[:port]/]name[:tag][@digest]; the name in "
            "lower case letters, digits and . _ - separated by /)."
        )
    name = match.group("name")
    if len(name) > MAX_LENGTH:
        raise InvalidReference(f"An image name is at most {MAX_LENGTH} characters.")
    first = match.group("first")
    explicit = first is not None and ("." in first or ":" in first or first == "localhost")
    if explicit:
        registry, repository = first, name[len(first) + 1:]
    elif first is not None and not re.fullmatch(_PATH_COMPONENT, first):
        raise InvalidReference(f"{image!r}: a repository name is in lower case.")
    else:
        registry, repository = DEFAULT_REGISTRY, name
    return ImageReference(registry=registry, repository=repository, tag=match.group("tag") or "",
                          digest=match.group("digest") or "", explicit_registry=explicit)


def registry_allowed(reference: ImageReference, allowed: list[str] | tuple[str, ...]) -> bool:
    """Whether `allowed` (registry hosts, e.g. "docker.io", "registry.example.org:5000") names its registry."""
    names = {a.strip().lower() for a in allowed}
    registry = reference.registry.lower()
    return registry in names or (registry == DEFAULT_REGISTRY and "registry-1.docker.io" in names)
