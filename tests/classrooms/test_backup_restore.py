"""manage.py backup / restore: a course with its lab, people and history goes into one archive and comes
back identical on a fresh database of either engine (a second SQLite file; a fresh PostgreSQL database),
with its labs stopped and its unfinished operations failed rather than resent."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from webgns.labs.choices import NodeStatus, OperationKind, OperationStatus
from webgns.labs.models import Node, Operation
from webgns.ops.backup import RESTORED_ERROR, inventory

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _shell(env: dict, code: str):
    """Run `code` in the restored installation; its last printed line is JSON (the shell prints a banner first)."""
    return json.loads(_manage(env, "shell", "-c", code).strip().splitlines()[-1])


def _fresh_sqlite(tmp_path: Path) -> dict:
    return {"WEBGNS_DB_PATH": str(tmp_path / "restored.sqlite3")}


def _fresh_postgresql(tmp_path: Path, request) -> dict:
    """A new, empty database on the test PostgreSQL server scripts/test.sh uses (started if needed)."""
    import psycopg

    url = os.environ.get("WEBGNS_DATABASE_URL", "")
    if not url.startswith("postgres"):
        started = subprocess.run(
            ["scripts/start-postgres.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "WEBGNS_PG_DIR": os.environ.get("WEBGNS_TEST_PG_DIR", "/var/lib/webgns/postgres-test"),
                 "WEBGNS_PG_PORT": os.environ.get("WEBGNS_TEST_PG_PORT", "54330"), "WEBGNS_PG_OPTIONS": "-c fsync=off"})
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
    name = f"webgns_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    request.addfinalizer(drop)
    base = url.rsplit("/", 1)[0]
    return {"WEBGNS_DATABASE_URL": f"{base}/{name}"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_backup_restores_into_a_fresh_database(classroom, tmp_path, engine, request):
    room = classroom(students=2)
    student_copy = room.start(room.students[0])
    assert student_copy.status_code in (201, 202), student_copy.content
    # As if the lab ran when the backup was taken: one node started, one operation still pending.
    Node.objects.filter(pk=room.nodes[0]["id"]).update(status=NodeStatus.STARTED)
    pending = Operation.objects.create(project_id=room.lab["id"], kind=OperationKind.PROJECT_STOP,
                                       status=OperationStatus.PENDING)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.json", f"projects/{room.lab['id']}.json",
            f"courses/{room.course['id']}.json"} <= names
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    expected = inventory()
    for project in expected["projects"].values():
        project["nodes"] = [[pk, name, NodeStatus.STOPPED] for pk, name, _ in project["nodes"]]

    env = {k: v for k, v in os.environ.items() if k not in ("WEBGNS_DATABASE_URL", "WEBGNS_DB_PATH")}
    env |= {"DJANGO_SETTINGS_MODULE": "tests.settings", "WEBGNS_DATA_DIR": str(tmp_path / "data")}
    env |= _fresh_sqlite(tmp_path) if engine == "sqlite" else _fresh_postgresql(tmp_path, request)
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_templates")  # a real fresh install has its built-in templates already
    _manage(env, "restore", str(archive))
    restored = _shell(env, "import json; from webgns.ops.backup import inventory; print(json.dumps(inventory()))")
    assert restored == json.loads(json.dumps(expected))
    assert len(restored["users"]) == 4 and room.lab["id"] in restored["projects"]
    operation = _shell(env, "import json; from webgns.labs.models import Operation; "
                       f"o = Operation.objects.get(pk='{pending.pk}'); print(json.dumps([o.status, o.error]))")
    assert operation == [OperationStatus.ERROR, RESTORED_ERROR]

    # A second restore into the now-used database is refused: restore never merges by accident.
    refused = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=240)
    assert refused.returncode != 0 and "fresh" in refused.stderr


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable webgns backup"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
