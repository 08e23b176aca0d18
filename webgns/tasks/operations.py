"""Start and stop labs and nodes: the steps of each Operation, in order, with progress.

A lab start brings all containers up in parallel (Docker's own rate is the limit), then plumbs
every link in one engine call, then runs each node's startup lines. One node's failure marks that
node `error` with its reason; the rest of the lab still starts.
"""

import logging
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db.models import Q

from webgns.compute.specs import (
    LINK_DOWN,
    STARTED,
    STARTING,
    STOPPED,
    STOPPING,
    LinkSpec,
    LinkState,
    NodeSpec,
    NodeState,
)
from webgns.labs.choices import OperationKind, OperationStatus
from webgns.labs.models import Link, Node, Operation
from webgns.tasks.claims import DEADLINE_PASSED, OperationAbandoned
from webgns.tasks.engine import lab_engine
from webgns.tasks.specs_from_models import link_spec, node_spec
from webgns.tasks.status import progress, save_link_state, save_node_state, set_node_status

log = logging.getLogger(__name__)


def _nodes(project_id, only: Iterable[str] | None = None) -> list[Node]:
    nodes = Node.objects.filter(project_id=project_id).select_related("template", "project")
    if only is not None:
        nodes = nodes.filter(pk__in=list(only))
    return list(nodes)


def _links_touching(project_id, node_ids: Iterable[str] | None = None) -> list[Link]:
    links = Link.objects.filter(project_id=project_id)
    if node_ids is not None:
        ids = list(node_ids)
        links = links.filter(Q(a_node_id__in=ids) | Q(b_node_id__in=ids))
    return list(links)


def _run_saving(work: Callable[[Callable[[NodeSpec, NodeState], None]], object], op: Operation, step: int) -> object:
    """Run engine work in a thread while this thread saves each node's state as it arrives:
    database writes stay on the task's own thread and connection."""
    arrived: queue.Queue = queue.Queue()
    done = step
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work, lambda spec, state: arrived.put((spec, state)))
        while not (future.done() and arrived.empty()):
            try:
                spec, state = arrived.get(timeout=0.05)
            except queue.Empty:
                continue
            save_node_state(spec.id, state)
            done += 1
            progress(op, done=done)
        return future.result()


def _start(op: Operation, nodes: list[Node]) -> list[str]:
    """Start `nodes`, plumb every link whose two ends run, run startup lines; returns problems."""
    engine = lab_engine()
    project_id = op.project_id
    for node in nodes:
        if node.status != STARTED:
            set_node_status(str(node.id), STARTING)
    specs = [node_spec(n) for n in nodes]
    progress(op, total=len(specs) + 1, status=OperationStatus.RUNNING)
    states = _run_saving(lambda on_state: engine.start_nodes(specs, on_state=on_state), op, 0)
    problems = [f"{s.name}: {states[s.id].error}" for s in specs if states[s.id].status != STARTED]

    touched = {str(n.id) for n in nodes}
    links = _links_touching(project_id, touched)
    all_nodes = {str(n.id): n for n in _nodes(project_id)}
    link_nodes = {nid: node_spec(n) for nid, n in all_nodes.items()}
    link_states = engine.plumb_links([link_spec(lk) for lk in links], link_nodes)
    for link_id, state in link_states.items():
        save_link_state(link_id, state)
        if state.error:
            problems.append(f"link {link_id}: {state.error}")
    for spec in specs:
        if states[spec.id].status == STARTED and spec.startup:
            result = engine.run_startup(spec)
            if result.exit_code != 0:
                problems.append(f"{spec.name}: startup exited {result.exit_code}: {result.output[-500:]}")
    progress(op, done=len(specs) + 1)
    return problems


def _stop(op: Operation, nodes: list[Node]) -> list[str]:
    engine = lab_engine()
    running = [n for n in nodes if n.status != STOPPED]
    for node in running:
        set_node_status(str(node.id), STOPPING)
    progress(op, total=len(running), status=OperationStatus.RUNNING)
    links_of: dict[str, list[LinkSpec]] = {str(n.id): [] for n in running}
    for link in _links_touching(op.project_id, list(links_of)):
        spec = link_spec(link)
        for node_id in {spec.a.node_id, spec.b.node_id} & links_of.keys():
            links_of[node_id].append(spec)

    def stop_all(on_state: Callable[[NodeSpec, NodeState], None]) -> None:
        def stop_one(spec: NodeSpec) -> None:
            try:
                state = engine.stop_node(spec, links_of[spec.id])
            except Exception as exc:  # reported on the node, the others still stop
                state = NodeState(status="error", error=str(exc))
            on_state(spec, state)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(stop_one, [node_spec(n) for n in running]))

    _run_saving(stop_all, op, 0)
    for link in _links_touching(op.project_id, [str(n.id) for n in nodes]):
        save_link_state(str(link.id), LinkState(status=LINK_DOWN))
    return [f"{n.name}: {n.error}" for n in _nodes(op.project_id, [str(n.id) for n in running]) if n.error]


def run(op: Operation) -> None:
    """Carry out one operation to its end; any failure is recorded on the operation, not raised."""
    try:
        target = [str(op.target)] if op.target else None
        nodes = _nodes(op.project_id, target)
        if op.kind in (OperationKind.PROJECT_START, OperationKind.NODE_START):
            problems = _start(op, nodes)
        elif op.kind in (OperationKind.PROJECT_STOP, OperationKind.NODE_STOP):
            problems = _stop(op, nodes)
        elif op.kind == OperationKind.NODE_RESTART:
            problems = _stop(op, nodes)
            problems += _start(op, _nodes(op.project_id, target))
        else:
            raise ValueError(f"unknown operation kind {op.kind!r}")
        if problems:
            progress(op, status=OperationStatus.ERROR, error="; ".join(problems)[:4000])
        else:
            progress(op, status=OperationStatus.DONE)
    except OperationAbandoned as why:
        # Reconcile failed it (worker presumed lost) or its deadline passed: record that, if it is
        # not yet recorded, and stop; reconcile sets the nodes from what really runs.
        fresh = Operation.objects.filter(pk=op.pk).first()
        if fresh is not None and fresh.finished is None:
            op = fresh
            progress(op, status=OperationStatus.ERROR, check=False,
                     error=f"{DEADLINE_PASSED}: not finished within {settings.WEBGNS_OPERATION_DEADLINE} s")
        log.warning("operation %s abandoned: %s", op.pk, why)
    except Exception as exc:
        progress(op, status=OperationStatus.ERROR, error=f"{type(exc).__name__}: {exc}", check=False)
        raise
