"""Running an assignment's checks on one student copy: every check at once, each with its deadline.

Division of labour: `classrooms.check_kinds` says what to run and how to judge it; this module
runs the commands through the engine's node exec (threads, so one slow check does not hold up
the others), records each result with its time, and publishes `checks.done` on the copy's
project so an open page can show them. A node that is not running or a command that outlives
its timeout fails its check with a sentence saying so.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.db import transaction
from django.utils import timezone

from webgns.classrooms import check_kinds
from webgns.classrooms.choices import CheckRunStatus
from webgns.classrooms.models import Check, CheckResult, CheckRun
from webgns.compute.errors import EngineError, NodeNotRunning
from webgns.labs.choices import NodeStatus
from webgns.labs.events import publish
from webgns.labs.models import Node
from webgns.tasks.engine import lab_engine
from webgns.tasks.specs_from_models import node_spec

MAX_PARALLEL_CHECKS = 8
MAX_CHECK_OUTPUT = 16 * 1024


def _outcome(check: Check, nodes: dict[str, Node]) -> tuple[bool, str, object]:
    node = nodes.get(check.node)
    if node is None:
        return False, f"This lab has no node named {check.node!r}.", timezone.now()
    if node.status != NodeStatus.STARTED:
        return False, f"Node {node.name} is {node.status}: start it, then check again.", timezone.now()
    plan = check_kinds.plan(
        check.kind, command=check.command, expect=check.expect, target=check.target, interface=check.interface
    )
    try:
        result = lab_engine().exec(node_spec(node), plan.command, timeout=check.timeout, max_output=MAX_CHECK_OUTPUT)
    except NodeNotRunning:
        return False, f"Node {node.name} is not running: start it, then check again.", timezone.now()
    except EngineError as exc:
        return False, f"The check could not run on {node.name}: {exc}", timezone.now()
    shown = f"{node.name}$ {plan.command}\n{result.output}".rstrip()
    if result.timed_out:
        return False, f"{shown}\nTimed out after {check.timeout} s.", timezone.now()
    passed, why = check_kinds.judge(plan.expect, result.exit_code, result.output)
    return passed, shown if passed else f"{shown}\n→ {why}", timezone.now()


def _finish(run: CheckRun, status: str, error: str = "") -> None:
    run.status, run.error, run.finished = status, error[:4000], timezone.now()
    run.save(update_fields=["status", "error", "finished"])


def run_checks(run_id: str) -> None:
    run = CheckRun.objects.select_related("copy__assignment").filter(pk=run_id).first()
    if run is None or run.finished:  # deleted, or a redelivered task whose work is done
        return
    run.status = CheckRunStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        checks = list(Check.objects.filter(assignment_id=run.copy.assignment_id))
        nodes = {n.name: n for n in Node.objects.filter(project_id=run.copy.project_id).select_related("template")}
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_PARALLEL_CHECKS, len(checks)))) as pool:
            outcomes = list(pool.map(lambda c: _outcome(c, nodes), checks))
        with transaction.atomic():
            CheckResult.objects.bulk_create(
                CheckResult(run=run, copy=run.copy, check_item=check, passed=passed, output=output, ran_at=at)
                for check, (passed, output, at) in zip(checks, outcomes, strict=True)
            )
            _finish(run, CheckRunStatus.DONE)
            publish(
                run.copy.project_id,
                "checks.done",
                run=str(run.id),
                passed=sum(1 for passed, _, _ in outcomes if passed),
                total=len(outcomes),
            )
    except Exception as exc:
        _finish(run, CheckRunStatus.ERROR, f"{type(exc).__name__}: {exc}")
        raise
