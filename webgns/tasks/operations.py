"""Start and stop labs and nodes: the steps of each Operation, in order, with progress.

A lab start brings all containers up in parallel (Docker's own rate is the limit), then plumbs
every link in one engine call, then runs each node's startup lines. One node's failure marks that
node `error` with its reason; the rest of the lab still starts.

An operation over nodes on several compute hosts runs in parts (`plan_parts`), each on its own
host's worker, one after the other: no worker ever waits for another (two workers waiting for each
other's queue would deadlock). A start first has every host start its nodes and make its ends of
their links (veth pairs within the host, VXLAN ends for links to another host); only then does
each host run its nodes' startup lines, so those lines find every link up on both sides. The last
host to plumb runs its startup lines in the same part: two hosts take three parts, one host one
part (exactly the single-host path). Each part, when done, records what it found on the operation
and hands it to the next part's queue (`host_tasks.run_operation`).
"""

import logging
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db.models import Q

from webgns.compute.errors import in_words
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
from webgns.tasks import port_records
from webgns.tasks.claims import DEADLINE_PASSED, OperationAbandoned
from webgns.tasks.engine import lab_engine
from webgns.tasks.specs_from_models import link_spec, node_spec
from webgns.tasks.status import progress, save_link_state, save_node_state, set_node_status

log = logging.getLogger(__name__)


ALL, NODES, STARTUP = "all", "nodes", "startup"
START_KINDS = (OperationKind.PROJECT_START, OperationKind.NODE_START)


def plan_parts(kind: str, hosts: list[str]) -> list[list]:
    """The parts of an operation over nodes on `hosts`: [[host, step], ...]; no host (an empty lab):
    one part on the coordinator's queue."""
    if not hosts:
        return [[None, ALL]]
    if len(hosts) == 1 or kind not in START_KINDS:
        return [[host, ALL] for host in hosts]
    *first, last = hosts
    return [[host, NODES] for host in first] + [[last, ALL]] + [[host, STARTUP] for host in first]


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


def _start(op: Operation, nodes: list[Node], step: str = ALL, total: int | None = None) -> list[str]:
    """Start `nodes`, plumb every link whose two ends run, run startup lines; returns problems.

    `step` NODES stops before the startup lines, STARTUP runs only them (for nodes that run)."""
    engine = lab_engine()
    project_id = op.project_id
    specs = [node_spec(n) for n in nodes]
    problems: list[str] = []
    if step == STARTUP:
        started = {str(n.id) for n in Node.objects.filter(pk__in=[s.id for s in specs], status=STARTED)}
    else:
        for node in nodes:
            if node.status != STARTED:
                set_node_status(str(node.id), STARTING)
        if op.part == 0:
            progress(op, total=total if total is not None else len(specs) + 1, status=OperationStatus.RUNNING)
        states = _run_saving(lambda on_state: engine.start_nodes(specs, on_state=on_state), op, op.done)
        problems += [f"{s.name}: {states[s.id].error}" for s in specs if states[s.id].status != STARTED]
        started = {s.id for s in specs if states[s.id].status == STARTED}

        touched = {str(n.id) for n in nodes}
        links = _links_touching(project_id, touched)
        all_nodes = {str(n.id): n for n in _nodes(project_id)}
        link_nodes = {nid: node_spec(n) for nid, n in all_nodes.items()}
        hosts = {nid: n.compute_host for nid, n in all_nodes.items()}
        link_states = engine.plumb_links([link_spec(lk, hosts) for lk in links], link_nodes)
        for link_id, state in link_states.items():
            save_link_state(link_id, state)
            if state.error:
                problems.append(f"link {link_id}: {state.error}")
        _restore_neighbours(engine, links, touched, all_nodes, link_nodes)
    if step != NODES:
        for spec in specs:
            if spec.id in started and spec.startup:
                result = engine.run_startup(spec)
                if result.exit_code != 0:
                    problems.append(f"{spec.name}: startup exited {result.exit_code}: {result.output[-500:]}")
        port_records.remember(engine, [s for s in specs if s.id in started])
    return problems


def _restore_neighbours(engine, links: list[Link], touched: set[str], all_nodes: dict, specs: dict) -> None:
    """A neighbour that kept running while this node was gone (killed outside webgns, so its veth
    peers died with it) gets back what its re-made ports carried, from its last record."""
    here = settings.WEBGNS_COMPUTE_HOST  # the engine skips kinds without a namespace of their own
    neighbours = {str(n) for lk in links for n in (lk.a_node_id, lk.b_node_id)} - touched
    for node_id in neighbours:
        node = all_nodes.get(node_id)
        if node is not None and node.status == STARTED and node.compute_host == here:
            port_records.restore(engine, specs[node_id])


def _stop(op: Operation, nodes: list[Node], total: int | None = None) -> list[str]:
    engine = lab_engine()
    running = [n for n in nodes if n.status != STOPPED]
    for node in running:
        set_node_status(str(node.id), STOPPING)
    if op.part == 0:
        progress(op, total=total if total is not None else len(running), status=OperationStatus.RUNNING)
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
                state = NodeState(status="error", error=in_words(exc))
            on_state(spec, state)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(stop_one, [node_spec(n) for n in running]))

    _run_saving(stop_all, op, op.done)
    ids = {str(n.id) for n in nodes}
    for link in _links_touching(op.project_id, ids):
        if link.vni is None:
            save_link_state(str(link.id), LinkState(status=LINK_DOWN))
        else:  # between two hosts: this host's end went with its node; the other end stays
            for index, node_id in enumerate((str(link.a_node_id), str(link.b_node_id))):
                if node_id in ids:
                    save_link_state(str(link.id), LinkState(LINK_DOWN, "its node was stopped", end=index))
    return [f"{n.name}: {n.error}" for n in _nodes(op.project_id, [str(n.id) for n in running]) if n.error]


def run(op: Operation) -> int | None:
    """Carry out the operation's current part; any failure is recorded on the operation, not raised.

    Returns the index of the next part when there is one (the caller hands the operation over to
    that part's host), None when the operation is finished."""
    try:
        target = [str(op.target)] if op.target else (list(op.targets) if op.kind == OperationKind.PROJECT_APPLY
                                                        else None)
        everything = _nodes(op.project_id, target)
        parts = op.parts or [[None, ALL]]
        host, step = parts[op.part]
        # A part does its host's nodes; a part without a host (an empty lab, an older operation) all.
        nodes = [n for n in everything if host is None or n.compute_host == host]
        last = op.part == len(parts) - 1
        if op.kind in START_KINDS:
            problems = _start(op, nodes, step, total=len(everything) + 1)
        elif op.kind in (OperationKind.PROJECT_STOP, OperationKind.NODE_STOP):
            problems = _stop(op, nodes, total=len([n for n in everything if n.status != STOPPED]))
        elif op.kind == OperationKind.NODE_RESTART:
            problems = _stop(op, nodes)
            problems += _start(op, _nodes(op.project_id, target))
        elif op.kind == OperationKind.PROJECT_APPLY:
            # Changed nodes stop and start again (a container with changed settings is made anew); new ones start.
            problems = _stop(op, nodes, total=len(everything) + 1)
            problems += _start(op, _nodes(op.project_id, [str(n.id) for n in nodes]), total=len(everything) + 1)
        else:
            raise ValueError(f"unknown operation kind {op.kind!r}")
        problems = list(op.problems or []) + problems
        if not last:
            op.problems = problems
            op.save(update_fields=["problems"])
            return op.part + 1
        if op.kind in START_KINDS or op.kind in (OperationKind.NODE_RESTART, OperationKind.PROJECT_APPLY):
            progress(op, done=len(everything) + 1)
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
        progress(op, status=OperationStatus.ERROR, error=in_words(exc), check=False)
        raise
    return None
