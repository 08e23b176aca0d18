"""manage.py restore FILE: load a backup into a fresh database; its labs come back stopped."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from webgns.ops.backup import BackupError, read_backup


class Command(BaseCommand):
    help = "Restore a backup archive into a fresh, migrated database (labs come back stopped)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="an archive written by manage.py backup")
        parser.add_argument("--force", action="store_true",
                            help="load into a database that already has users or projects (objects with the "
                                 "same keys are overwritten)")

    def handle(self, *args, file: str, force: bool = False, **options) -> None:
        try:
            manifest = read_backup(Path(file), force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file} (made {manifest['created']}): {manifest['users']} users, "
                          f"{manifest['projects']} projects, {manifest['courses']} courses; every lab is stopped")
