"""What the engine is asked to build (specs) and what it reports back (states).

These dataclasses are the whole contract between the database side (tasks) and the engine:
tasks translate model rows into specs, the engine never sees a model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from webgns.contract import impairment_ranges
from webgns.contract.lab_states import (  # noqa: F401 - re-exported: the engine names them as specs.*
    BRIDGE,
    DOCKER,
    ERROR,
    LINK_DOWN,
    LINK_ERROR,
    LINK_UP,
    NODE_KINDS,
    OVS,
    STARTED,
    STARTING,
    STOPPED,
    STOPPING,
    UNKNOWN,
)


@dataclass(frozen=True)
class NodeSpec:
    id: str
    project_id: str
    name: str
    kind: str = DOCKER
    image: str = ""
    ports: tuple[str, ...] = ("eth0",)
    start_command: str = ""
    environment: Mapping[str, str] = field(default_factory=dict)
    cpus: float | None = None
    memory_mb: int | None = None
    # Shell lines run inside the node after its links are up.
    startup: tuple[str, ...] = ()
    # OVS only: "tcp:10.0.0.1:6653" style target; empty means standalone learning switch.
    openflow_controller: str = ""
    # Most processes the node may run at once (fork bombs stay inside); None = the engine's default.
    pids_limit: int | None = None
    # path -> text, written into the container before its start command runs, on every start
    # (the template's files merged with the node's own, already resolved by the caller).
    files: Mapping[str, str] = field(default_factory=dict)
    # Namespaced kernel settings set at create (net.* only; /proc/sys is read-only inside a node),
    # e.g. {"net.ipv4.ip_forward": "1"} for routers and firewalls.
    sysctls: Mapping[str, str] = field(default_factory=dict)
    # Capabilities beyond NET_ADMIN/NET_RAW that the template asks for (e.g. SYS_ADMIN for FRR).
    capabilities: tuple[str, ...] = ()
    # Switch ports' VLANs (ovs): {"eth0": {"access": 10}, "eth2": {"trunk": [10, 20]}}; unnamed ports
    # carry every VLAN untouched, as before.
    vlans: Mapping[str, Mapping] = field(default_factory=dict)
    # The compute host the node runs on; an engine makes only what is on its own host.
    compute_host: str = "local"


@dataclass(frozen=True)
class Endpoint:
    node_id: str
    port: str


@dataclass(frozen=True)
class Impairment:
    """Shaping for one direction of a link; zero/None means "not set"."""

    delay_ms: float = 0
    jitter_ms: float = 0
    loss_pct: float = 0
    corrupt_pct: float = 0
    duplicate_pct: float = 0
    reorder_pct: float = 0
    rate_kbps: int | None = None

    NETEM_FIELDS = impairment_ranges.NETEM_FIELDS

    @property
    def needs_netem(self) -> bool:
        return any(getattr(self, name) for name in self.NETEM_FIELDS)

    @property
    def is_empty(self) -> bool:
        return not self.needs_netem and not self.rate_kbps

    @classmethod
    def from_dict(cls, values: Mapping[str, float | int | None] | None) -> Impairment:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known and v is not None})


@dataclass(frozen=True)
class LinkTunnel:
    """A link between two compute hosts: its VXLAN id and each end's host's underlay address
    ("" when that host has none configured: the link cannot be made, and says so)."""

    vni: int | None
    a_underlay: str = ""
    b_underlay: str = ""


@dataclass(frozen=True)
class LinkSpec:
    id: str
    project_id: str
    a: Endpoint
    b: Endpoint
    a_to_b: Impairment = Impairment()  # applied on the egress of a's end
    b_to_a: Impairment = Impairment()  # applied on the egress of b's end
    tunnel: LinkTunnel | None = None  # set when a and b are on two compute hosts

    def impairment_of(self, index: int) -> Impairment:
        """What end `index` (0 = a, 1 = b) sends through: each direction lives on its sender's end."""
        return (self.a_to_b, self.b_to_a)[index]


@dataclass
class NodeState:
    status: str
    error: str = ""
    pid: int | None = None
    container_id: str = ""
    # When the container's current run began (Docker's State.StartedAt): tells one start from the next.
    started_at: str = ""


@dataclass
class LinkState:
    status: str
    error: str = ""
    # For a link between two hosts: which end (0 = a, 1 = b) this state is about (the engine makes
    # and reports only its own host's end); None: the whole link.
    end: int | None = None


@dataclass
class ExecResult:
    exit_code: int
    output: str
    truncated: bool = False
    timed_out: bool = False
    # Startup lines only: they had already run for this start of the container, so nothing ran now.
    skipped: bool = False


@dataclass
class ObservedNode:
    """A node found on the host by its labels, whatever the database says."""

    node_id: str
    project_id: str
    kind: str
    running: bool
    container_id: str = ""
    # Frozen on purpose (a warm-pool copy, `freezer`): alive, and to be left as it is.
    paused: bool = False


@dataclass
class HostCapabilities:
    docker: bool = False
    netem: bool = False
    tbf: bool = False
    htb: bool = False
    ovs: bool = False
    ovs_kernel_datapath: bool = False
    bridge_vlan_filtering: bool = False  # VLANs on bridge switches (CONFIG_BRIDGE_VLAN_FILTERING)
    # Human-readable reasons for each missing capability, shown by the API and the UI.
    reasons: dict[str, str] = field(default_factory=dict)
