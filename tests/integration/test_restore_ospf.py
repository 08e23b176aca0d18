"""A restored installation runs its labs: the OSPF triangle, running when it was backed up, is lost with
its machine (containers removed, database emptied), restored from the archive — stopped, as restore
promises — and started again through the API by its owner's restored token; OSPF converges and h1
reaches h3 across the routers."""

import io
import time

import pytest
from django.core.management import call_command

from tests.conftest import wait_for
from tests.integration.conftest import instantiate_example, needs_images, pings, start_lab, wait_status
from tests.integration.test_ospf_example import NEIGHBOURS, all_full

pytestmark = pytest.mark.integration


def test_restored_ospf_lab_starts_and_converges(api, lab_project, templates, docker_client, tmp_path):
    needs_images(docker_client, "webgns/frr:latest", "webgns/host:latest")
    project, nodes = instantiate_example(api, lab_project, "ospf-triangle", "ospf")
    start_lab(api, project, list(nodes.values()))
    archive = tmp_path / "school.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    # The machine is lost: its containers and its database go. A fresh database (flush re-creates
    # what migrate would: content types, permissions) receives the backup.
    from webgns.compute.lab import LabEngine

    LabEngine(docker_client).remove_project(project["id"])
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), stdout=io.StringIO())

    wait_status(api, project, list(nodes.values()), "stopped", timeout=10)
    # The compute host's row came back with the backup's heartbeat: wait for the worker's next beat.
    wait_for(lambda: all(h["status"] == "up" for h in api.get("/api/compute/").json()["hosts"]), 30,
             what="the compute host to be up again")
    started = time.monotonic()
    start_lab(api, project, list(nodes.values()))
    routers = {name: nodes[name] for name in NEIGHBOURS}
    wait_for(lambda: all_full(api, project, routers), 60, interval=0.5, what="every OSPF adjacency to be Full")
    print(f"\nrestored OSPF triangle: Start to all adjacencies Full in {time.monotonic() - started:.1f} s")
    wait_for(lambda: pings(api, project, nodes["h1"], "10.3.3.10"), 30, what="h1 to reach h3 across the routers")
