"""Create the `admin` user once; print its generated password once (or use $WEBGNS_ADMIN_PASSWORD)."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin user if missing."

    def handle(self, *args, **options) -> None:
        User = get_user_model()  # noqa: N806 - Django's idiom
        wanted = os.environ.get("WEBGNS_ADMIN_PASSWORD")
        user = User.objects.filter(username="admin").first()
        if user is None:
            password = wanted or secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@localhost", password)
            shown = "(from WEBGNS_ADMIN_PASSWORD)" if wanted else password
            self.stdout.write(f"Created user admin, password: {shown}  (shown once)")
        elif wanted and not user.check_password(wanted):
            user.set_password(wanted)
            user.save(update_fields=["password"])
            self.stdout.write("Set the admin password from WEBGNS_ADMIN_PASSWORD.")
