"""A second compute host on this one machine: a network namespace with its own dockerd.

Division of labour: this module starts and removes the pieces of "host b" — the namespace
`wghostb-<id>`, an underlay veth to the real host (host a: 10.250.9.1/30 in the host namespace;
host b: 10.250.9.2/30 inside), a dockerd of its own (own data-root, exec-root, socket, pidfile,
cgroup parent; `--bridge=none --iptables=false`, started with `nsenter --net=` because
`ip netns exec` remounts /sys and dockerd then finds no devices cgroup) and the node image copied
across with `docker save | docker load`. Tests decide what to run on it. Everything is removed
on exit, including containers its dockerd ran.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import docker

HOST_A_UNDERLAY = "10.250.9.1"
HOST_B_UNDERLAY = "10.250.9.2"
IMAGE = "webgns/busybox:latest"


class SecondHostUnavailable(RuntimeError):
    """Host b could not be made; the message says which step failed."""


@dataclass
class SecondHost:
    name: str
    netns: str  # /run/netns/<name>
    underlay_a: str  # the underlay device in the host namespace
    underlay_b: str  # ... and in host b's namespace
    socket: str
    root: Path
    dockerd: subprocess.Popen | None = None

    @property
    def docker_url(self) -> str:
        return f"unix://{self.socket}"

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.docker_url, timeout=60)


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    if check and done.returncode != 0:
        raise SecondHostUnavailable(f"`{' '.join(command)}` failed: {done.stderr.strip()[-400:]}")
    return done


def start_second_host(image: str = IMAGE) -> SecondHost:
    tag = uuid.uuid4().hex[:6]
    name = f"wghostb-{tag}"
    root = Path(f"/var/lib/webgns-test-hosts/{name}")
    host = SecondHost(name, f"/run/netns/{name}", f"wgua-{tag}", f"wgub-{tag}", str(root / "run" / "docker.sock"), root)
    try:
        run("ip", "netns", "add", name)
        run("ip", "-n", name, "link", "set", "lo", "up")
        run("ip", "link", "add", host.underlay_a, "type", "veth", "peer", "name", host.underlay_b, "netns", name)
        run("ip", "addr", "add", f"{HOST_A_UNDERLAY}/30", "dev", host.underlay_a)
        run("ip", "link", "set", host.underlay_a, "up")
        run("ip", "-n", name, "addr", "add", f"{HOST_B_UNDERLAY}/30", "dev", host.underlay_b)
        run("ip", "-n", name, "link", "set", host.underlay_b, "up")
        for sub in ("data", "exec", "run"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        log = open(root / "dockerd.log", "wb")  # noqa: SIM115 — kept open for dockerd's lifetime
        host.dockerd = subprocess.Popen(
            ["nsenter", f"--net={host.netns}", "dockerd", "--data-root", str(root / "data"),
             "--exec-root", str(root / "exec"), "--pidfile", str(root / "run" / "docker.pid"),
             "-H", host.docker_url, "--bridge=none", "--iptables=false", "--ip6tables=false",
             f"--cgroup-parent={name}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                host.client().ping()
                break
            except docker.errors.DockerException:
                if host.dockerd.poll() is not None or time.monotonic() > deadline:
                    tail = (root / "dockerd.log").read_text(errors="replace")[-1500:]
                    raise SecondHostUnavailable(f"host b's dockerd did not start:\n{tail}") from None
                time.sleep(0.2)
        copy_image(image, host)
        return host
    except BaseException:
        stop_second_host(host)
        raise


def copy_image(image: str, host: SecondHost) -> None:
    save = subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE)
    load = subprocess.run(["docker", "-H", host.docker_url, "load", "-q"], stdin=save.stdout, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    save.wait()
    if load.returncode != 0 or save.returncode != 0:
        raise SecondHostUnavailable(f"copying {image} to host b failed: {load.stderr.strip()[-400:]}")


def stop_second_host(host: SecondHost) -> None:
    if host.dockerd is not None and host.dockerd.poll() is None:
        with contextlib.suppress(docker.errors.DockerException):
            client = host.client()
            for container in client.containers.list(all=True):
                container.remove(force=True)
        os.killpg(host.dockerd.pid, signal.SIGTERM)
        try:
            host.dockerd.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(host.dockerd.pid, signal.SIGKILL)
            host.dockerd.wait()
    run("ip", "link", "del", host.underlay_a, check=False)
    run("ip", "netns", "del", host.name, check=False)
    # containerd-shim mounts may linger briefly under exec-root; unmount what is left, then remove.
    run("sh", "-c", f"grep -o ' {host.root}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l", check=False)
    shutil.rmtree(host.root, ignore_errors=True)
