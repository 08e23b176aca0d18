"""The node-kind registry: every kind has its module, and the engine's façade and link code stay
kind-blind (what a kind is lives in webgns/compute/kinds/ only)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from webgns.compute.errors import EngineError
from webgns.compute.kinds.base import NodeKind
from webgns.compute.kinds.registry import NodeKinds
from webgns.compute.specs import BRIDGE, DOCKER, OVS, NodeSpec

COMPUTE = Path(__file__).resolve().parents[2] / "webgns" / "compute"


def spec(kind: str) -> NodeSpec:
    return NodeSpec(id="n", project_id="p", name="n1", kind=kind, image="webgns/busybox", ports=("eth0",))


def test_every_kind_has_an_implementation_of_the_protocol():
    kinds = NodeKinds(nodes=None)  # type: ignore[arg-type] — nothing is called on the host here
    for kind in (DOCKER, BRIDGE, OVS):
        assert isinstance(kinds.of(spec(kind)), NodeKind)
    assert not kinds.of(spec(OVS)).has_shell and kinds.of(spec(DOCKER)).has_shell
    with pytest.raises(EngineError, match="kind 'qemu'"):
        kinds.of(spec("qemu"))


def compared_kinds(path: Path) -> list[int]:
    """Line numbers where the module compares something's `.kind` (a kind branch)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr == "kind":
                    lines.append(node.lineno)
    return lines


def test_the_facade_and_the_link_code_do_not_branch_on_kind():
    assert compared_kinds(COMPUTE / "lab.py") == []
    assert compared_kinds(COMPUTE / "links.py") == []
    links_imports = {
        node.module for node in ast.walk(ast.parse((COMPUTE / "links.py").read_text()))
        if isinstance(node, ast.ImportFrom)
    }  # fmt: skip
    assert "webgns.compute.bridge_switch" not in links_imports  # veth code knows no bridges
