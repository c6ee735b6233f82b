"""Running the stand-in AdultWork API as a separate process and driving its control API over HTTP."""

from __future__ import annotations

import sys
from typing import Any

import requests

from harness.processes import ROOT, ServerProcess

__all__ = ["ROOT", "StandInControl", "StandInProcess"]


class StandInProcess(ServerProcess):
    """`python -m aw_standin` on a free port; the portal's tests never import the stand-in."""

    def __init__(self, *args: str) -> None:
        command = [sys.executable, "-m", "aw_standin", "--host", "127.0.0.1", "--port", "0", *args]
        super().__init__(command, name="the stand-in", log="standin-tests.log")


class StandInControl:
    """The stand-in's control API (`/_standin/...`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._http = requests.Session()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, f"{self.url}/_standin/{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        self._call("POST", "reset")

    def config(self, **values: Any) -> dict:
        return self._call("POST", "config", json=values)

    def fault(self, kind: str, **rule: Any) -> None:
        self._call("POST", "faults", json={"kind": kind, **rule})

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def requests(self, path_contains: str = "") -> list[dict]:
        return [r for r in self._call("GET", "requests") if path_contains.lower() in r["path"].lower()]

    def forget_requests(self) -> None:
        self._call("DELETE", "requests")

    def albums(self, user_id: int | None = None) -> list[dict]:
        return self._call("GET", "albums", params={"UserID": user_id} if user_id else None)

    def pictures(self, album_id: int | None = None, *, image: bool = False) -> list[dict]:
        """Stored pictures with their JPEG segments; with `image`, their bytes (base64, as `Image`)."""
        params = {"AlbumID": album_id} if album_id else {}
        return self._call("GET", "pictures", params={**params, **({"Image": "true"} if image else {})})

    def stats(self) -> dict:
        return self._call("GET", "stats")

    def token(self, *, user_id: int, scopes: list[str], expires_in: int = 1200) -> dict:
        return self._call("POST", "tokens", json={"user_id": user_id, "scopes": scopes, "expires_in": expires_in})

    def expire(self, **what: Any) -> None:
        self._call("POST", "expire", json=what)

    def register_client(self, *, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        self._call(
            "POST", "clients",
            json={"client_id": client_id, "client_secret": client_secret, "redirect_uris": redirect_uris},
        )

    def group_members(self, *, group_id: int, add: dict[int, str] | None = None, remove: list[int] | None = None) -> dict:
        """Change who is in a group: `add` maps UserIDs to nicknames."""
        body = {
            "group_id": group_id,
            "add": [{"UserID": user_id, "Nickname": nickname} for user_id, nickname in (add or {}).items()],
            "remove": list(remove or []),
        }
        return self._call("POST", "group-members", json=body)
