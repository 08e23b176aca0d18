"""The engine never hands ovs-vswitchd a listening controller form (ptcp:, punix:, unix:)."""

import pytest

from webgns.compute import ovs_switch
from webgns.compute.labels import ovs_bridge_name
from webgns.compute.specs import ERROR, OVS


@pytest.mark.parametrize("controller", ["ptcp:16653:127.0.0.1", "punix:/tmp/webgns-test.sock", "unix:/tmp/x",
                                        "pssl:6653", "tcp:10.0.0.1:6653,ptcp:1"])
def test_listening_forms_are_refused_before_ovs_sees_them(lab, ovs_running, controller):
    switch = lab.node("sdn", kind=OVS, ports=2, openflow_controller=controller)
    state = lab.engine.start_nodes([switch])[switch.id]
    assert state.status == ERROR and "refused" in state.error
    assert not ovs_switch.bridge_exists(ovs_bridge_name(switch))
