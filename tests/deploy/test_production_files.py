"""The production install's files, checked by the tools that will read them: the systemd units rendered
by scripts/install-production.sh pass `systemd-analyze verify` (which also checks that every ExecStart
program exists), and the nginx site, with a certificate made here, passes `nginx -t`."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rendered(tmp_path) -> Path:
    """The units and site as the installer writes them, for this checkout, with a fresh self-signed cert."""
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=labs.test",
                    "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem")], check=True, capture_output=True)
    (tmp_path / "data" / "static").mkdir(parents=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "WEBGNS_SERVER_NAME": "labs.test", "WEBGNS_WEB_PROCESSES": "3",
           "WEBGNS_TLS_CERT": str(tls / "cert.pem"), "WEBGNS_TLS_KEY": str(tls / "key.pem"),
           "WEBGNS_DATA_DIR": str(tmp_path / "data")}
    out = tmp_path / "rendered"
    subprocess.run([str(ROOT / "scripts" / "install-production.sh"), "--render", str(out)], env=env, check=True)
    return out


def test_units_name_this_checkout_and_restart_on_failure(rendered):
    units = sorted((rendered / "systemd").glob("*.service"))
    assert {u.name for u in units} == {"webgns-web@.service", "webgns-worker.service", "webgns-exec.service",
                                       "webgns-pool.service", "webgns-beat.service"}
    for unit in units:
        text = unit.read_text()
        assert "@APP_DIR@" not in text and "@DATA_DIR@" not in text
        assert "Restart=on-failure" in text and "StandardOutput=journal" in text
        command = next(line for line in text.splitlines() if line.startswith("ExecStart="))
        program = command.removeprefix("ExecStart=").split()[0]
        assert Path(program).is_file(), program


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(rendered):
    units = rendered / "systemd"
    # A template is verified through an instance, as systemd will run it (webgns-web@8001).
    instance = units / "webgns-web@8001.service"
    shutil.copy(units / "webgns-web@.service", instance)
    paths = [str(p) for p in sorted(units.iterdir()) if p.name != "webgns-web@.service"]
    done = subprocess.run(["systemd-analyze", "verify", *paths], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_nginx_accepts_the_site(rendered, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: scripts/install-system.sh --test installs it")
    site = (rendered / "nginx" / "webgns.conf").read_text()
    assert "@" not in site.replace("$", "")
    assert site.count("server 127.0.0.1:") == 3
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
                    f" include {rendered}/nginx/webgns.conf;\n}}\n")
    done = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
