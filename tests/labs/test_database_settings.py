"""WEBGNS_DATABASE_URL selects a database server; without it SQLite under the data dir stays the default.

Settings are read once per process, so each case is a fresh interpreter.
"""

import json
import os
import subprocess
import sys

PRINT = ("import json, django; django.setup(); from django.conf import settings as s; "
         "d = s.DATABASES['default']; print(json.dumps([d['ENGINE'], d['NAME'], d.get('HOST'), d.get('PORT'), "
         "d.get('TEST', {}).get('NAME'), s.WEBGNS_INSTANCE]))")


def settings_with(**env: str) -> list:
    base = {k: v for k, v in os.environ.items()
            if k not in ("WEBGNS_DATABASE_URL", "WEBGNS_INSTANCE", "WEBGNS_TEST_DB_NAME", "WEBGNS_DB_PATH")}
    env = {**base, "DJANGO_SETTINGS_MODULE": "webgns.settings", **env}
    out = subprocess.run([sys.executable, "-c", PRINT], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_postgres_from_the_url(tmp_path):
    engine, name, host, port, test_name, instance = settings_with(
        WEBGNS_DATABASE_URL="postgres://webgns:secret@127.0.0.1:54329/labs", WEBGNS_TEST_DB_NAME="test_labs_ci",
        WEBGNS_DATA_DIR=str(tmp_path))
    assert (engine, name, host, port, test_name) == ("django.db.backends.postgresql", "labs", "127.0.0.1", 54329,
                                                      "test_labs_ci")
    assert len(instance) == 12


def test_sqlite_by_default_with_the_same_instance_label_as_before(tmp_path):
    import hashlib

    path = str(tmp_path / "webgns.sqlite3")
    engine, name, _host, _port, _test, instance = settings_with(WEBGNS_DB_PATH=path, WEBGNS_DATA_DIR=str(tmp_path))
    assert (engine, name) == ("django.db.backends.sqlite3", path)
    # The label on every container a `make run` made: it must not change under running labs.
    assert instance == hashlib.sha256(path.encode()).hexdigest()[:12]
