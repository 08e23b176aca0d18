"""manage.py backup FILE: the whole installation in one tar.gz (webgns.ops.backup says what is in it)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from webgns.ops.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write a backup archive (tar.gz): the database as fixtures, every project's topology, every course."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="where to write the archive, e.g. /var/backups/webgns/2026-12-08.tar.gz")

    def handle(self, *args, file: str, **options) -> None:
        try:
            manifest = write_backup(Path(file))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {file}: {manifest['users']} users, {manifest['projects']} projects, "
                          f"{manifest['courses']} courses")
