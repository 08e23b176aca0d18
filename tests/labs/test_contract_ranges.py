"""One source of truth for the impairment ranges: the API, the engine and the editor's served table are
the same object (webgns/contract/impairment_ranges.py), and `webgns.labs` never imports the engine."""

import ast
from pathlib import Path

import pytest

from webgns.compute import impairments as engine
from webgns.compute.specs import Impairment
from webgns.contract import impairment_ranges
from webgns.labs import impairment_fields as api_fields
from webgns.labs.models import ComputeHost  # noqa: F401 - the app registry is loaded

ROOT = Path(__file__).resolve().parents[2]


def test_api_and_engine_read_the_same_table():
    assert api_fields.RANGES is impairment_ranges.RANGES
    assert engine.FIELD_RANGES is impairment_ranges.RANGES
    assert api_fields.NETEM_FIELDS is Impairment.NETEM_FIELDS is impairment_ranges.NETEM_FIELDS


@pytest.mark.django_db
def test_the_editor_is_served_the_same_ranges(api):
    served = api.get("/api/compute/").json()["impairment_ranges"]
    assert served == {name: {"min": r.low, "max": r.high, "unit": r.unit,
                             "needs": "netem" if name in impairment_ranges.NETEM_FIELDS else "rate",
                             "integer": name == "rate_kbps"}
                      for name, r in impairment_ranges.RANGES.items()}
    assert served["rate_kbps"]["min"] == 8 and served["rate_kbps"]["max"] == 34_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(impairment_ranges.RANGES))
def test_api_and_engine_agree_at_every_bound(api, lab_link, name):
    """Each bound is accepted by both, and one step beyond it refused by both."""
    r = impairment_ranges.RANGES[name]
    url, base = lab_link
    step = 1 if name == "rate_kbps" else 0.5
    for value, ok in ((r.low, True), (r.high, True), (r.low - step, False), (r.high + step, False)):
        if name == "rate_kbps" and value == 0:
            continue  # 0 is "no limit", not a rate
        body = {**base, name: value}
        accepted = api.patch(url, {"impairment": body}, format="json").status_code == 200
        try:
            engine.validate_impairment(Impairment(**body))
            engine_ok = True
        except engine.InvalidImpairment:
            engine_ok = False
        assert (accepted, engine_ok) == (ok, ok), (name, value)


@pytest.fixture
def lab_link(api, templates):
    from tests.labs.factories import create_link, create_node, create_project

    project = create_project(api)
    a = create_node(api, project, templates["busybox"], "a")
    b = create_node(api, project, templates["busybox"], "b")
    link = create_link(api, project, a, b)
    # jitter and reordering need a delay in the same direction
    return f"/api/projects/{project['id']}/links/{link['id']}/", {"delay_ms": 1}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_labs_imports_nothing_from_the_engine():
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in imported_modules(p) if n.startswith("webgns.compute"))
                 for p in (ROOT / "webgns" / "labs").rglob("*.py")}
    assert {p: n for p, n in offenders.items() if n} == {}


def test_the_contract_is_plain_python():
    for path in (ROOT / "webgns" / "contract").rglob("*.py"):
        assert not {n for n in imported_modules(path) if n.split(".")[0] in ("django", "rest_framework")
                    or n.startswith("webgns.compute") or n.startswith("webgns.labs")}, path


def test_the_editors_test_fixture_is_the_served_table():
    """frontend/tests/impairment-fields.test.js checks the editor against this file: it must be what the API serves."""
    import json

    fixture = json.loads((ROOT / "frontend" / "tests" / "fixtures" / "impairment-ranges.json").read_text())
    assert fixture == impairment_ranges.served_ranges()
