"""python -m tests.support.oauth_server CLIENT_ID CLIENT_SECRET REDIRECT_URI: migrate a fresh database,
register the portal as a confidential client and the demo users, then serve on a free port.

Prints one line, `django-oauth-toolkit listening on http://127.0.0.1:PORT`, then serves until killed.
Needs DJANGO_SETTINGS_MODULE=tests.support.oauth_server.settings, DOT_DATABASE and DOT_RESOURCE_SERVER.
"""

import sys

import django

# AdultWork UserIDs of the stand-in's demo accounts, which sign in here under those names.
DEMO_USERS = ("100001", "200001")
PASSWORD = "dot-password-1"


def _prepare(client_id: str, client_secret: str, redirect_uri: str) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0)
    for username in DEMO_USERS:
        User.objects.create_user(username=username, password=PASSWORD)
    Application = get_application_model()
    Application.objects.create(
        name="AW Portal",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uris=redirect_uri,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm="",
    )


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    _prepare(*argv)
    connections.close_all()  # opened in this thread; each request thread opens and closes its own
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    print(f"django-oauth-toolkit listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
