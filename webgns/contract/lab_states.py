"""Names of node kinds and of node and link statuses, as the API, the database and the engine spell them."""

# Node kinds: a container that runs what its image says, or a switch.
DOCKER = "docker"
BRIDGE = "bridge"  # Linux bridge inside the switch node's own namespace
OVS = "ovs"  # Open vSwitch bridge (kernel datapath where the module exists, netdev otherwise)
NODE_KINDS = (DOCKER, BRIDGE, OVS)

# Node statuses.
STOPPED = "stopped"
STARTING = "starting"
STARTED = "started"
STOPPING = "stopping"
ERROR = "error"
# Its host's Docker does not answer: whether it runs cannot be known until Docker answers again.
UNKNOWN = "unknown"

# Link statuses.
LINK_UP = "up"
LINK_DOWN = "down"
LINK_ERROR = "error"
