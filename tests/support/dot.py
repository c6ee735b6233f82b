"""django-oauth-toolkit (tests/support/oauth_server) as a separate process, and walking through its
sign-in and consent pages over HTTP."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import requests

from harness.processes import ServerProcess

from .forms import form_send

PASSWORD = "dot-password-1"  # tests/support/oauth_server/__main__.py gives every user this one


class OAuthServerProcess(ServerProcess):
    """The toolkit on a free port, with its own database in a temporary directory."""

    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str, resource_server: str) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="dot-")
        self.client_id, self.client_secret = client_id, client_secret
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.oauth_server.settings",
            "DOT_DATABASE": str(Path(self._directory.name) / "oauth.sqlite3"),
            "DOT_RESOURCE_SERVER": resource_server,
        }
        command = [sys.executable, "-m", "tests.support.oauth_server", client_id, client_secret, redirect_uri]
        super().__init__(command, name="django-oauth-toolkit", log="oauth-server-tests.log", env=environment)

    def token_call(self, **form: str) -> requests.Response:
        """A call to the token endpoint with the portal's client credentials (what an attacker holding
        a leaked refresh token and the client's secret could send)."""
        form = {"client_id": self.client_id, "client_secret": self.client_secret, **form}
        return requests.post(f"{self.url}/OAuth/token", data=form, timeout=10)

    def revoke(self, token: str, hint: str = "refresh_token") -> None:
        """RFC 7009 revocation, as when the member withdraws the portal's access at AdultWork."""
        answer = requests.post(
            f"{self.url}/OAuth/revoke_token",
            data={"token": token, "token_type_hint": hint, "client_id": self.client_id, "client_secret": self.client_secret},
            timeout=10,
        )
        answer.raise_for_status()

    def stop(self) -> None:
        super().stop()
        self._directory.cleanup()


def sign_in_and_decide(http: requests.Session, login_page: requests.Response, *, username: str, allow: bool) -> requests.Response:
    """From the toolkit's sign-in page: sign in, then allow or cancel on its consent page, following every
    redirect (back to the portal's callback and on)."""
    consent = form_send(http, login_page, fill={"username": username, "password": PASSWORD})
    assert "Authorize" in consent.text, consent.text
    return form_send(http, consent, button="allow" if allow else None)
