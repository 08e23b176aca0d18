"""The façade the Celery tasks call: make a lab's nodes and links real, and report what is true.

Division of labour: `LabEngine` decides the order of things and turns every failure into a state
with a reason; what a node *is* on the host belongs to its kind (`kinds/`: containers and routers,
bridge switches, OVS switches, behind one protocol, so nothing here branches on kind), and the
work itself is done by the modules it composes — `links` (veth pairs), `offloads` (host-port
hygiene for OVS), `impairments` (qdiscs), `node_exec` (commands) and `observe` (what is labelled
on the host). Every operation is an "ensure": calling it twice,
or after a worker restart, converges on the same result.

A node's failure never raises out of `start_nodes`/`plumb_links`: it becomes `status="error"`
with the cause, so the rest of the lab still comes up.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import docker
from docker.errors import DockerException
from pyroute2 import NetlinkError

from webgns.compute import (
    bridge_switch,
    impairments,
    node_exec,
    node_files,
    observe,
    ovs_switch,
    parking,
    port_memory,
)
from webgns.compute.docker_nodes import DockerNodes
from webgns.compute.errors import (
    EngineError,
    ExecFailed,
    LinkFailed,
    NamespaceUnavailable,
    NodeNotRunning,
    PortUnknown,
    in_words,
)
from webgns.compute.kinds.base import NodeDown, PlacedEnd
from webgns.compute.kinds.registry import NodeKinds
from webgns.compute.labels import link_alias, parked_name
from webgns.compute.links import FRESH_VETH_QDISC, LinkEnd, ensure_veth, veth_present
from webgns.compute.namespaces import NetlinkSessions
from webgns.compute.offloads import disable_gro, disable_tx_checksum, isolate_host_port
from webgns.compute.specs import (
    ERROR,
    LINK_DOWN,
    LINK_ERROR,
    LINK_UP,
    STARTED,
    ExecResult,
    LinkSpec,
    LinkState,
    NodeSpec,
    NodeState,
    ObservedNode,
)
from webgns.compute.startup_runs import StartupRuns
from webgns.compute.vxlan_links import Tunnel, ensure_vxlan_end, vxlan_present
from webgns.contract.node_readiness import READY_FILE

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 120
# How long nodes get to finish starting before a warm-pool copy is frozen anyway (FRR: a few seconds).
SETTLE_TIMEOUT_SECONDS = 60
SETTLE_POLL_SECONDS = 0.25
SETTLE_PROBE_TIMEOUT_SECONDS = 10
DEFAULT_MAX_OUTPUT = 1 << 20


class LabEngine:
    def __init__(self, docker_client: docker.DockerClient | None = None, instance: str = "",
                 allowed_registries: Sequence[str] | None = None, host: str = "local",
                 state_dir: str | os.PathLike[str] | None = None) -> None:
        """`instance` labels what this engine creates and limits its orphan sweep to those things;
        `allowed_registries` are where missing images may be pulled from (None: anywhere, empty: nowhere);
        `host` is the name of the compute host this engine runs on: of a link between two hosts it
        makes only the end whose node has `compute_host == host`; `state_dir` is where the engine
        keeps what it must remember across worker restarts (which container starts ran their
        startup lines), default a directory under the system's temporary one."""
        self.docker = docker_client or docker.from_env()
        self.instance = instance
        self.host = host
        state = Path(state_dir) if state_dir is not None else Path(tempfile.gettempdir()) / "webgns-engine"
        self.startup_runs = StartupRuns(state / "startup-runs")
        self.nodes = DockerNodes(self.docker, instance, allowed_registries, startup_runs=self.startup_runs)
        self.kinds = NodeKinds(self.nodes, instance, host)

    # -- nodes ---------------------------------------------------------------------------------

    def start_nodes(
        self,
        nodes: Sequence[NodeSpec],
        on_state: Callable[[NodeSpec, NodeState], None] | None = None,
        parallelism: int = 8,
    ) -> dict[str, NodeState]:
        """Ensure every node runs (create if missing, start if stopped), in parallel."""
        # One listing per project instead of one lookup per node: a 1000-node start would
        # otherwise make dockerd filter all its containers 1000 times.
        known: dict[str, dict] = {}
        listed: set[str] = set()
        for project_id in {node.project_id for node in nodes}:
            try:
                known.update(self.nodes.project_containers(project_id))
                listed.add(project_id)
            except DockerException as error:
                log.warning("listing containers of project %s failed: %s", project_id, error)
        states: dict[str, NodeState] = {}
        with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="webgns-start") as pool:
            futures = {
                pool.submit(self._start_one, node, known.get(node.id), node.project_id in listed): node
                for node in nodes
            }
            for future in as_completed(futures):
                node = futures[future]
                states[node.id] = state = future.result()
                if on_state is not None:
                    try:
                        on_state(node, state)
                    except Exception:  # a broken callback must not abort the lab start
                        log.exception("on_state callback failed for node %s", node.id)
        return states

    def _start_one(self, node: NodeSpec, known: dict | None, listed: bool) -> NodeState:
        try:
            return self.kinds.of(node).start(node, known, listed)
        except EngineError as error:
            return NodeState(status=ERROR, error=str(error))
        except Exception as error:  # the lab goes on; this node reports why it did not start
            log.exception("starting node %s failed", node.id)
            return NodeState(status=ERROR, error=in_words(error))

    def stop_node(self, node: NodeSpec, links: Sequence[LinkSpec] = ()) -> NodeState:
        """Stop the node, keeping its container (and filesystem).

        Its ends of `links` are parked first (an OVS switch's host ports too), so its neighbours
        keep their interfaces (and the addresses on them) while it is down; without `links` they
        vanish with its namespace (or, for OVS, are deleted with the bridge).
        """
        if links:
            self._park_ends(node, links)
        return self.kinds.of(node).stop(node)

    def _park_ends(self, node: NodeSpec, links: Sequence[LinkSpec]) -> None:
        kind = self.kinds.of(node)
        ends = []
        for link in links:
            if link.tunnel is not None:
                continue  # the far end is a device on another host: it does not die with this node
            for index, endpoint in enumerate((link.a, link.b)):
                if endpoint.node_id == node.id:
                    end = kind.parked_end(node, link, index)
                    if end is None:
                        return  # not running: its ends went with its namespace already
                    ends.append((link.id, index, end))
        try:
            with NetlinkSessions() as sessions:
                parking.park(sessions, node.project_id, ends)
        except (EngineError, NetlinkError, OSError):
            # Parking is a courtesy to the neighbours; the stop itself must still happen.
            log.exception("could not park the links of node %s", node.id)

    def remove_node(self, node: NodeSpec) -> None:
        """The node's container (or OVS bridge and its host ports) is gone. Idempotent."""
        self.kinds.of(node).remove(node)

    def node_state(self, node: NodeSpec) -> NodeState:
        """What is true on the host now (not what the database believes)."""
        return self.kinds.of(node).state(node)

    # -- links ---------------------------------------------------------------------------------

    def plumb_links(self, links: Sequence[LinkSpec], nodes: Mapping[str, NodeSpec]) -> dict[str, LinkState]:
        """Ensure every link whose two nodes run exists, in one netlink session per namespace."""
        places = _Placement(self, nodes)
        states: dict[str, LinkState] = {}
        with NetlinkSessions() as sessions:
            parked = {p: parking.parked_names(sessions, p) for p in {link.project_id for link in links}}
            for link in links:
                local = self._local_ends(link, nodes)
                if local is None:
                    states[link.id] = self._plumb_one(sessions, places, link, parked[link.project_id])
                elif local:
                    states[link.id] = self._plumb_tunnel_end(sessions, places, link, local[0], nodes)
        return states

    # -- links between two hosts -----------------------------------------------------------------

    def _local_ends(self, link: LinkSpec, nodes: Mapping[str, NodeSpec]) -> list[int] | None:
        """None: both ends are on this host (a veth link, as ever); else the indexes of the ends on
        this host — one for a link to another host, none when neither end is ours."""
        here = [i for i, e in enumerate((link.a, link.b))
                if (nodes.get(e.node_id) is None or nodes[e.node_id].compute_host == self.host)]
        return None if len(here) == 2 else here

    def _tunnel(self, link: LinkSpec, index: int, nodes: Mapping[str, NodeSpec]) -> Tunnel:
        """This host's view of the link's VXLAN tunnel; raises LinkFailed naming what is missing."""
        far = nodes[(link.b, link.a)[index].node_id].compute_host
        tunnel = link.tunnel
        if tunnel is None or tunnel.vni is None:
            raise LinkFailed(f"link {link.id} joins compute hosts {self.host} and {far} but has no VNI")
        local, remote = (tunnel.a_underlay, tunnel.b_underlay) if index == 0 else (tunnel.b_underlay, tunnel.a_underlay)
        for host, address in ((self.host, local), (far, remote)):
            if not address:
                raise LinkFailed(f"compute host {host} has no underlay address: set WEBGNS_UNDERLAY_ADDRESS for "
                                 "its worker to carry links between hosts")
        return Tunnel(tunnel.vni, local, remote)

    def _plumb_tunnel_end(self, sessions: NetlinkSessions, places: _Placement, link: LinkSpec, index: int,
                          nodes: Mapping[str, NodeSpec]) -> LinkState:
        """Make this host's end of a link to another host: a VXLAN device in the node's namespace
        (an OVS switch's: in the host's, as the switch's port), with its direction's impairment. The
        other host makes the other end."""
        try:
            placed = places.end(link, index)
            tunnel = self._tunnel(link, index, nodes)
            created = ensure_vxlan_end(sessions, link_alias(link.id), placed.end, tunnel)
            if placed.ovs_bridge:
                disable_gro(placed.end.netns, placed.end.ifname)
                self._attach_to_ovs(placed, None, link, fresh=created)
            far = nodes.get((link.b, link.a)[index].node_id)
            if far is not None and self.kinds.of(far).needs_full_checksums:
                # Measured: without it ping crosses an OVS switch on the other host, TCP does not.
                disable_tx_checksum(placed.end.netns, placed.end.ifname)
            if not (created and placed.impairment.is_empty):  # a fresh device has nothing to clear
                impairments.apply_impairment(placed.end.netns, placed.end.ifname, placed.impairment)
        except NodeDown as down:
            return LinkState(status=LINK_DOWN, error=str(down), end=index)
        except NamespaceUnavailable as error:
            sessions.forget(placed.end.netns)
            return LinkState(status=LINK_DOWN, error=str(error), end=index)
        except EngineError as error:
            return LinkState(status=LINK_ERROR, error=str(error), end=index)
        except (NetlinkError, OSError) as error:
            return LinkState(status=LINK_ERROR, error=f"the kernel refused link {link.id}: {error}", end=index)
        return LinkState(status=LINK_UP, end=index)

    def _plumb_one(
        self, sessions: NetlinkSessions, places: _Placement, link: LinkSpec, parked: frozenset[str]
    ) -> LinkState:
        try:
            a = places.end(link, 0)
            b = places.end(link, 1)
        except NodeDown as down:
            return LinkState(status=LINK_DOWN, error=str(down))
        except EngineError as error:
            return LinkState(status=LINK_ERROR, error=str(error))
        alias = link_alias(link.id)
        try:
            for index, placed in enumerate((a, b)):
                if parked_name(link.id, index) in parked:
                    parking.restore(sessions, link.project_id, link.id, index, placed.end)
            outcome = ensure_veth(sessions, alias, a.end, b.end)
            for placed, peer in ((a, b), (b, a)):
                if placed.ovs_bridge:
                    self._attach_to_ovs(placed, peer, link, fresh=outcome.created)
                elif placed.bridge_vlans:  # only once enslaved: the kernel keeps VLANs per bridge port
                    bridge_switch.ensure_port_vlans(sessions.get(placed.end.netns), placed.end.ifname,
                                                    placed.vlan, placed.end.netns)  # fmt: skip
        except NamespaceUnavailable as error:
            # A node stopped between the lookup and the plumbing; its session is now useless.
            sessions.forget(a.end.netns)
            sessions.forget(b.end.netns)
            return LinkState(status=LINK_DOWN, error=str(error))
        except EngineError as error:
            return LinkState(status=LINK_ERROR, error=str(error))
        except (NetlinkError, OSError) as error:
            return LinkState(status=LINK_ERROR, error=f"the kernel refused link {link.id}: {error}")
        except Exception as error:  # the other links still get plumbed; this one says why it did not
            log.exception("plumbing link %s failed", link.id)
            return LinkState(status=LINK_ERROR, error=f"{type(error).__name__}: {error}")
        return _impair(a, b, outcome.root_qdiscs)

    def broken_links(self, links: Sequence[LinkSpec], nodes: Mapping[str, NodeSpec]) -> dict[str, str]:
        """Of `links` (whose nodes should all run), those not intact on the host, with what is wrong:
        a veth end gone (a node killed and started again outside webgns), or an OVS port missing."""
        places = _Placement(self, nodes)
        broken: dict[str, str] = {}
        ports: dict[str, set[str]] = {}
        with NetlinkSessions() as sessions:
            for link in links:
                local = self._local_ends(link, nodes)
                if local is not None:
                    for index in local:
                        try:
                            placed = places.end(link, index)
                            if link.tunnel is None or link.tunnel.vni is None or not vxlan_present(
                                    sessions, link_alias(link.id), placed.end, link.tunnel.vni):
                                broken[link.id] = "its VXLAN end on this host is gone"
                        except NodeDown as down:
                            broken[link.id] = str(down)
                        except EngineError as error:
                            broken[link.id] = str(error)
                    continue
                try:
                    a, b = places.end(link, 0), places.end(link, 1)
                    if not veth_present(sessions, link_alias(link.id), a.end, b.end):
                        broken[link.id] = "its veth pair is gone or incomplete"
                        continue
                    for placed in (a, b):
                        if placed.ovs_bridge:
                            if placed.ovs_bridge not in ports:
                                ports[placed.ovs_bridge] = set(ovs_switch.list_ports(placed.ovs_bridge))
                            if placed.end.ifname not in ports[placed.ovs_bridge]:
                                broken[link.id] = f"its port on switch {placed.ovs_bridge} is gone"
                except NodeDown as down:
                    broken[link.id] = str(down)
                except EngineError as error:  # NamespaceUnavailable among them
                    broken[link.id] = str(error)
        return broken

    def _attach_to_ovs(self, placed: PlacedEnd, peer: PlacedEnd | None, link: LinkSpec, fresh: bool = False) -> None:
        """`placed`'s host port joins its switch; `peer`: the veth's other end (None: the port is a
        VXLAN end, whose far end is another host's)."""
        host_port = placed.end.ifname
        if fresh:
            # A port whose device vanished (its node was killed and started again behind webgns's
            # back) stays in OVS's database bound to the old device: add it again, so the
            # datapath opens the new one.
            ovs_switch.delete_port(placed.ovs_bridge, host_port)
        isolate_host_port(host_port)
        # The node's end is what matters (measured: with it on, TCP gets nowhere while ping works):
        # the userspace datapath forwards segments whose checksum the sender left "to be filled
        # in". The host end too, for packets OVS itself sends (e.g. a controller's packet-out).
        disable_tx_checksum(None, host_port)
        if peer is not None:
            disable_tx_checksum(peer.end.netns, peer.end.ifname)
        ovs_switch.add_port(placed.ovs_bridge, host_port, link.id)
        ovs_switch.set_port_vlans(host_port, dict(placed.vlan) if placed.vlan else None)

    def apply_vlans(self, node: NodeSpec, links: Sequence[LinkSpec]) -> None:
        """Make a running switch's ports carry the VLANs its spec names now (ovs, bridge). Idempotent."""
        self.kinds.of(node).apply_vlans(node, list(links))

    def remove_link(self, link: LinkSpec, nodes: Mapping[str, NodeSpec]) -> None:
        """The link is gone from the host (both veth ends, its OVS ports). Idempotent."""
        alias = link_alias(link.id)
        with NetlinkSessions() as sessions:
            parking.discard(sessions, link.project_id, link.id)
            for index, endpoint in enumerate((link.a, link.b)):
                node = nodes.get(endpoint.node_id)
                # Of a link to another host, only this host's end: the other host removes its own.
                if node is not None and node.compute_host == self.host:
                    self.kinds.of(node).remove_link_end(sessions, node, link, index, alias)

    def apply_impairments(self, link: LinkSpec, nodes: Mapping[str, NodeSpec]) -> LinkState:
        """Make both ends' qdiscs match the link's impairments, on a live link (of a link to another
        host, this host's end: the direction leaving it)."""
        places = _Placement(self, nodes)
        local = self._local_ends(link, nodes)
        if local is not None:
            if not local:
                return LinkState(status=LINK_DOWN, error="neither end is on this host")
            index = local[0]
            try:
                placed = places.end(link, index)
                impairments.apply_impairment(placed.end.netns, placed.end.ifname, placed.impairment)
            except NodeDown as down:
                return LinkState(status=LINK_DOWN, error=str(down), end=index)
            except Exception as error:
                return LinkState(status=LINK_ERROR, error=f"the link is up but its impairment failed: {error}",
                                 end=index)
            return LinkState(status=LINK_UP, end=index)
        try:
            a = places.end(link, 0)
            b = places.end(link, 1)
        except NodeDown as down:
            return LinkState(status=LINK_DOWN, error=str(down))
        except EngineError as error:
            return LinkState(status=LINK_ERROR, error=str(error))
        return _impair(a, b)

    def link_end(self, link: LinkSpec, nodes: Mapping[str, NodeSpec], index: int) -> LinkEnd:
        """Where end `index` (0 = a, 1 = b) of a live link is: its namespace and interface.

        An OVS node's end is its host-namespace port. Raises NodeNotRunning when the node is down,
        EngineError when that end is on another compute host.
        """
        node = nodes.get((link.a, link.b)[index].node_id)
        if node is not None and node.compute_host != self.host:
            raise EngineError(f"that end of the link is on compute host {node.compute_host}, not on {self.host}")
        try:
            return _Placement(self, nodes).end(link, index).end
        except NodeDown as down:
            raise NodeNotRunning(str(down)) from down

    def link_ends(self, links: Sequence[LinkSpec], nodes: Mapping[str, NodeSpec]) -> dict[str, tuple[LinkEnd, LinkEnd]]:
        """Both ends of every link whose nodes run (one lookup per node); links that are down are absent."""
        places = _Placement(self, nodes)
        found: dict[str, tuple[LinkEnd, LinkEnd]] = {}
        for link in links:
            if self._local_ends(link, nodes) is not None:
                continue  # one end on another host: its counters are read there
            try:
                found[link.id] = (places.end(link, 0).end, places.end(link, 1).end)
            except (NodeDown, EngineError):
                continue
        return found

    def tunnel_a_ends(self, links: Sequence[LinkSpec], nodes: Mapping[str, NodeSpec]) -> dict[str, LinkEnd]:
        """The a end of every link to another host whose a end is here and runs. One end is enough
        for the link's load: what it sent is a_to_b, what it received b_to_a; the b end's host
        reads nothing, so each link is reported once."""
        places = _Placement(self, nodes)
        found: dict[str, LinkEnd] = {}
        for link in links:
            if self._local_ends(link, nodes) != [0]:
                continue
            try:
                found[link.id] = places.end(link, 0).end
            except (NodeDown, EngineError):
                continue
        return found

    # -- commands ------------------------------------------------------------------------------

    def exec(
        self, node: NodeSpec, command: str, timeout: float = 30, max_output: int = DEFAULT_MAX_OUTPUT
    ) -> ExecResult:
        """Run `sh -c command` in the node; output capped, killed on timeout."""
        if not self.kinds.of(node).has_shell:
            raise ExecFailed(f"{node.name} is an Open vSwitch bridge on the host; it has no shell to run commands in")
        state = self.nodes.state(node)
        if state.status != STARTED:
            raise NodeNotRunning(f"node {node.name} is not running")
        return node_exec.run(self.docker.api, state.container_id, command, timeout, max_output)

    def read_files(self, node: NodeSpec, paths: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """Read files back out of a running node: ({path: text}, {path: why not})."""
        if not self.kinds.of(node).has_shell:
            raise ExecFailed(f"{node.name} is an Open vSwitch bridge on the host; it has no files")
        state = self.nodes.state(node)
        if state.status != STARTED:
            raise NodeNotRunning(f"node {node.name} is not running")
        return node_files.read_files(self.docker.api, state.container_id, list(paths))

    def run_startup(self, node: NodeSpec, force: bool = False) -> ExecResult:
        """Run the node's startup lines as one script (call it once its links are up), once per start
        of its container: for a start they already ran for, nothing runs (`skipped`) unless `force`."""
        if not node.startup or not self.kinds.of(node).has_shell:
            return ExecResult(exit_code=0, output="")
        state = self.nodes.state(node)
        if state.status != STARTED:
            raise NodeNotRunning(f"node {node.name} is not running")
        if not force and self.startup_runs.ran_for(state.container_id, state.started_at):
            return ExecResult(exit_code=0, output="", skipped=True)
        result = node_exec.run(self.docker.api, state.container_id, "\n".join(node.startup),
                               STARTUP_TIMEOUT_SECONDS, DEFAULT_MAX_OUTPUT)
        # Failed lines count as run: run again on the same container they would meet their own half-done work.
        self.startup_runs.record(state.container_id, state.started_at)
        return result

    def wait_settled(self, nodes: Sequence[NodeSpec], timeout: float = SETTLE_TIMEOUT_SECONDS) -> dict[str, str]:
        """Wait until every node that says how (its `READY_FILE`, see `contract.node_readiness`) has
        finished starting; returns {node id: why not} for those that had not within `timeout`.

        Call it before freezing nodes: a node frozen in the middle of its own start-up resumes with
        its timers expired, and what it was doing may be killed as hung (FRR's config load is)."""
        asking = [n for n in nodes if READY_FILE in n.files and self.kinds.of(n).has_shell]
        if not asking:
            return {}
        deadline = time.monotonic() + timeout

        def settle(node: NodeSpec) -> str | None:
            while True:
                try:
                    result = self.exec(node, READY_FILE, timeout=SETTLE_PROBE_TIMEOUT_SECONDS, max_output=4096)
                    if result.exit_code == 0:
                        return None
                    why = f"{READY_FILE} still exits {result.exit_code}"
                except NodeNotRunning as error:
                    return f"{node.name} is not running: {error}"
                except EngineError as error:
                    why = str(error)
                if time.monotonic() >= deadline:
                    return f"{node.name} had not finished starting after {timeout:g} s ({why})"
                time.sleep(SETTLE_POLL_SECONDS)

        with ThreadPoolExecutor(max_workers=min(len(asking), 8), thread_name_prefix="webgns-settle") as pool:
            outcomes = dict(zip([n.id for n in asking], pool.map(settle, asking), strict=True))
        return {node_id: why for node_id, why in outcomes.items() if why is not None}

    def remember_ports(self, node: NodeSpec) -> dict | None:
        """What the running node's lab ports carry (port_memory), or None when it does not run."""
        netns = self.nodes.running_netns(node) if self.kinds.of(node).has_shell else None
        return port_memory.read_ports(netns, node.ports) if netns else None

    def restore_ports(self, node: NodeSpec, record: dict) -> list[str] | None:
        """Put back on the node's ports what `record` holds and they lack, if the node still runs in
        the namespace the record was read from; None when it does not (a fresh start)."""
        netns = self.nodes.running_netns(node) if self.kinds.of(node).has_shell else None
        return port_memory.restore_ports(netns, record, node.ports) if netns else None

    def stop_reason(self, container_id: str) -> str:
        """Why a node's container that should run does not (OOM, killed, exit code), in words."""
        return self.nodes.stop_reason(container_id)

    def docker_answers(self) -> bool:
        return self.nodes.answers()

    def disk_usage(self, node: NodeSpec) -> int | None:
        """Bytes the node wrote to its own filesystem (its writable layer); None without a container."""
        if not self.kinds.of(node).has_shell:
            return None  # an OVS bridge has no filesystem of its own
        return self.nodes.disk_usage(node)

    # -- whole host ----------------------------------------------------------------------------

    def observe(self) -> dict[str, ObservedNode]:
        """Every labelled node on this host, by node id, as found (running or not)."""
        return observe.labelled_nodes(self.nodes, self.host)

    def remove_project(self, project_id: str) -> None:
        """Every container, OVS bridge and host interface of the project is gone. Idempotent."""
        observe.remove_project(self.nodes, project_id, self.host)

    def remove_orphans(self, known_project_ids: Collection[str], only: Collection[str] | None = None) -> list[str]:
        """Remove everything labelled with a project not in `known_project_ids`; returns what went.

        `only`, when given, restricts the sweep to those project ids: a caller that shares the
        host with other labs it does not know about (a test, a second database) stays in its lane.
        """
        return observe.remove_orphans(self.nodes, known_project_ids, only, self.host)


class _Placement:
    """Resolves each link endpoint to a namespace and interface, once per node per call."""

    def __init__(self, engine: LabEngine, nodes: Mapping[str, NodeSpec]) -> None:
        self.engine = engine
        self.nodes = nodes
        self._cache: dict = {}

    def end(self, link: LinkSpec, index: int) -> PlacedEnd:
        endpoint = (link.a, link.b)[index]
        node = self.nodes.get(endpoint.node_id)
        if node is None:
            raise EngineError(f"link {link.id} refers to node {endpoint.node_id}, which is not in the lab")
        if endpoint.port not in node.ports:
            raise PortUnknown(f"node {node.name} has no port {endpoint.port} (it has {', '.join(node.ports)})")
        return self.engine.kinds.of(node).link_end(node, link, index, self._cache)


def _impair(a: PlacedEnd, b: PlacedEnd, root_qdiscs: tuple[str | None, str | None] | None = None) -> LinkState:
    """Apply each direction's impairment on its sender's end.

    `root_qdiscs` (what the kernel reported while plumbing) lets an unimpaired end that still
    has its fresh veth qdisc skip the impairment module's own netlink round trips.
    """
    for placed, qdisc in zip((a, b), root_qdiscs or (None, None), strict=True):
        if placed.impairment.is_empty and qdisc == FRESH_VETH_QDISC:
            continue
        try:
            impairments.apply_impairment(placed.end.netns, placed.end.ifname, placed.impairment)
        except Exception as error:  # the impairment module's own exceptions carry the user's reason
            return LinkState(status=LINK_ERROR, error=f"the link is up but its impairment failed: {error}")
    return LinkState(status=LINK_UP)
