"""Node kinds: what each kind of node is on the host, behind one small protocol (see base.py).

Division of labour: `base.NodeKind` names what the engine asks of any node — start, stop, remove,
its state, where its link ends live, whether it has a shell — and each kind answers in a module
of its own: `container` (Docker hosts and FRR routers: a router is a container whose template
brings FRR's image, files and console shell), `bridge_switch_node` (a container with a Linux
bridge inside), `ovs_switch_node` (an Open vSwitch bridge on the host). `registry` maps a
NodeSpec's kind to its implementation, so `lab.py` never branches on kind and adding a kind
touches one module and one registry line.
"""
