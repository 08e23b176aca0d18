"""Backups: one tar.gz holding the database as Django fixtures, every project's topology and every
course's data, and the restore that brings it back on a fresh database of either engine.

The database goes in as `dumpdata` JSON (natural keys for users and content types, primary keys
for everything else), not as a `pg_dump`: the same archive restores into SQLite or PostgreSQL,
whichever the installation moved to, and it is read back through the models' own migrations.
The topology and course files beside it are for people (and for `POST /api/projects/import/`);
restore reads only the fixtures.

A restored lab comes back stopped: its containers did not come with it. Node statuses are reset
to `stopped` and every unfinished operation is marked failed, so nothing is sent to a worker.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save, pre_save

from webgns.labs.choices import NodeStatus, OperationStatus
from webgns.labs.models import Node, Operation, Project
from webgns.labs.topology import export_project

ARCHIVE_FORMAT = "webgns-backup"
ARCHIVE_VERSION = 1
DATABASE_MEMBER = "database.json"
MANIFEST_MEMBER = "manifest.json"
# Django's own bookkeeping is rebuilt by `migrate` on the fresh database (content types,
# permissions) or is not worth keeping (sessions, admin log, login lockouts).
NOT_DUMPED = ("contenttypes", "auth.permission", "sessions", "admin", "axes")
RESTORED_ERROR = "Interrupted: the installation was restored from a backup"


class BackupError(Exception):
    """A backup cannot be written or read back; the message says why."""


def dumped_apps() -> list[str]:
    """auth (users, groups), authtoken and every webgns app with models, as dumpdata labels."""
    labels = ["auth", "authtoken"]
    labels += [c.label for c in apps.get_app_configs() if c.name.startswith("webgns.") and list(c.get_models())]
    return labels


def _course_documents() -> dict[str, list]:
    """Each course with its enrollments, assignments and checks, as Django serialized objects."""
    course_model = apps.get_model("classrooms", "Course")
    documents = {}
    for course in course_model.objects.all():
        objects = [course, *course.enrollments.all()]
        for assignment in course.assignments.all():
            objects += [assignment, *assignment.checks.all()]
        documents[str(course.pk)] = json.loads(serializers.serialize("json", objects, use_natural_foreign_keys=True))
    return documents


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def write_backup(path: Path) -> dict:
    """Write the archive to `path` (atomically: a partial file never has the final name)."""
    path = Path(path)
    dump = io.StringIO()
    # One transaction: the fixtures are one consistent picture even while the site runs (on
    # PostgreSQL a repeatable snapshot would be stricter; a read transaction is what both engines share).
    with transaction.atomic():
        call_command("dumpdata", *dumped_apps(), exclude=list(NOT_DUMPED), natural_foreign=True,
                     natural_primary=False, indent=None, stdout=dump)
        projects = {str(p.pk): export_project(p) for p in Project.objects.all()}
        courses = _course_documents()
    manifest = {"format": ARCHIVE_FORMAT, "version": ARCHIVE_VERSION, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                time.gmtime()), "apps": dumped_apps(), "projects": len(projects), "courses": len(courses),
                "users": get_user_model().objects.count()}
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        _add(archive, MANIFEST_MEMBER, json.dumps(manifest, indent=1).encode())
        _add(archive, DATABASE_MEMBER, dump.getvalue().encode())
        for pk, document in projects.items():
            _add(archive, f"projects/{pk}.json", json.dumps(document, indent=1).encode())
        for pk, document in courses.items():
            _add(archive, f"courses/{pk}.json", json.dumps(document, indent=1).encode())
    partial.chmod(0o600)  # it holds password hashes and API tokens
    partial.replace(path)
    return manifest


def _read_member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        member = archive.extractfile(name)
    except KeyError:
        raise BackupError(f"{name} is missing: not a webgns backup") from None
    if member is None:
        raise BackupError(f"{name} is not a file in the archive")
    return member.read()


@contextmanager
def _without_operation_hooks():
    """Loading history is not starting labs: the classrooms app's quota check and audit receivers on
    Operation would refuse or re-audit old operations, so they are off while fixtures load."""
    from webgns.classrooms import operation_hooks

    hooks = [(pre_save, operation_hooks.refuse_start_over_quota, "classrooms.quota_on_start"),
             (post_save, operation_hooks.audit_operation, "classrooms.audit_operation")]
    for signal, _, uid in hooks:
        signal.disconnect(sender=Operation, dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, receiver, uid in hooks:
            signal.connect(receiver, sender=Operation, dispatch_uid=uid)


def is_fresh() -> bool:
    """No user and no project yet: a database `migrate` just made (templates may be seeded)."""
    return not get_user_model().objects.exists() and not Project.objects.exists()


def read_backup(path: Path, force: bool = False) -> dict:
    """Load the archive at `path` into this (fresh, migrated) database; labs come back stopped."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    fresh = is_fresh()
    if not force and not fresh:
        raise BackupError("this database already has users or projects: restore into a fresh one "
                          "(manage.py migrate on an empty database), or pass --force to merge")
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = json.loads(_read_member(archive, MANIFEST_MEMBER))
            database = _read_member(archive, DATABASE_MEMBER)
    except (tarfile.TarError, OSError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a readable webgns backup: {error}") from None
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("version") != ARCHIVE_VERSION:
        raise BackupError(f"{path} is not a webgns backup of version {ARCHIVE_VERSION}")
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "webgns-backup.json"
        fixture.write_bytes(database)
        with transaction.atomic(), _without_operation_hooks():
            # Templates seeded by a fresh install have the same names and may clash with the dumped
            # ones: the backup's win, because its nodes point at their primary keys.
            if fresh:
                apps.get_model("labs", "Template").objects.all().delete()
            call_command("loaddata", str(fixture), stdout=io.StringIO())
            Node.objects.exclude(status=NodeStatus.STOPPED).update(status=NodeStatus.STOPPED)
            Operation.objects.filter(status__in=[OperationStatus.PENDING, OperationStatus.RUNNING]).update(
                status=OperationStatus.ERROR, error=RESTORED_ERROR)
    return manifest


def inventory() -> dict:
    """What a restore must bring back, in a form two databases can be compared by (tests, operators)."""
    user_model = get_user_model()
    return {
        "users": sorted([u.username, u.email, u.is_staff, u.is_superuser, u.password]
                        for u in user_model.objects.all()),
        "projects": {str(p.pk): {"owner": p.owner.username, "topology": export_project(p),
                                 "nodes": sorted([str(n.pk), n.name, n.status] for n in p.nodes.all()),
                                 "links": sorted([str(lk.pk), str(lk.a_node_id), lk.a_port, str(lk.b_node_id),
                                                  lk.b_port] for lk in p.links.all())}
                     for p in Project.objects.select_related("owner")},
        "courses": _course_documents(),
    }
