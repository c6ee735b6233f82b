"""Create the demo portal users (idempotent) and, when asked, connect them to the stand-in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from albums.errors import PortalError
from albums.services.connections import connection_connect_with_token
from albums.services.grants import staff_grant_give
from albums.services.members import member_roster_refresh

DEMO_USERS = [
    # username, password, is_superuser, what they are
    ("demo", "demo-portal-2026", False, "portal user"),
    ("agency", "agency-portal-2026", False, "group manager, with --connect-manager-token"),
    ("staff", "staff-portal-2026", False, "agency staff granted the manager's connection"),
    ("admin", "admin-portal-2026", True, "administrator, also at /admin/"),
]


class Command(BaseCommand):
    help = "Create the demo portal users and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the portal listens.")
        parser.add_argument(
            "--connect-token", default="", help="Connect the demo user with this AdultWork access token."
        )
        parser.add_argument(
            "--connect-manager-token",
            default="",
            help="Connect the agency user with this group manager's token, share it with the staff user and "
            "fetch the group's members (with AW_API_KEY).",
        )

    def handle(self, *args, url: str, connect_token: str, connect_manager_token: str, **options):
        User = get_user_model()
        users = {}
        for username, password, is_superuser, _ in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            users[username] = user
        try:
            if connect_token:
                connection_connect_with_token(user=users["demo"], access_token=connect_token)
            if connect_manager_token:
                agency = connection_connect_with_token(user=users["agency"], access_token=connect_manager_token)
                staff_grant_give(connection=agency, user=users["staff"])
                if settings.AW_API_KEY:
                    member_roster_refresh(connection=agency)
        except PortalError as error:
            raise CommandError(f"Could not connect the demo users: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(f"AW Portal: {url}"))
        for username, password, _, role in DEMO_USERS:
            self.stdout.write(f"  sign in as {username} / {password} ({role})")
        self.stdout.write(
            "  agency, staff and admin act for others, so at their first sign-in they set up two-step sign-in:\n"
            "  scan the QR code with an authenticator app, or, without one, print the current code for the\n"
            "  key the page shows with: .venv/bin/python -m accounts.totp KEY"
        )
