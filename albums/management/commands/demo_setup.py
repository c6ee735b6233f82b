"""Create the demo portal users (idempotent) and, when asked, connect one to the stand-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from albums.errors import PortalError
from albums.services.connections import connection_connect_with_token

DEMO_USERS = [
    # username, password, is_superuser
    ("demo", "demo-portal-2026", False),
    ("admin", "admin-portal-2026", True),
]


class Command(BaseCommand):
    help = "Create the demo portal users and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the portal listens.")
        parser.add_argument(
            "--connect-token", default="", help="Connect the demo user with this AdultWork access token."
        )

    def handle(self, *args, url: str, connect_token: str, **options):
        User = get_user_model()
        for username, password, is_superuser in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
        if connect_token:
            try:
                connection_connect_with_token(user=User.objects.get(username="demo"), access_token=connect_token)
            except PortalError as error:
                raise CommandError(f"Could not connect the demo user: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(f"AW Portal: {url}"))
        for username, password, is_superuser in DEMO_USERS:
            role = "administrator, also at /admin/" if is_superuser else "portal user"
            self.stdout.write(f"  sign in as {username} / {password} ({role})")
