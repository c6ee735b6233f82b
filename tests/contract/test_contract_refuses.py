"""The contract is not vacuous: requests the portal must never send are refused by Prism, while the same
requests without the defect are accepted (so each refusal is for that defect and nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import requests

from tests.contract.conftest import verdict_record

TOKEN = "Bearer contract-check-token"


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    authorization: str | None = TOKEN

    def send(self, url: str) -> requests.Response:
        headers = {"Accept": "application/json"}
        if self.authorization is not None:
            headers["Authorization"] = self.authorization
        return requests.request(self.method, url + self.path, json=self.body, params=self.params, headers=headers, timeout=10)


CREATE = Sent("POST", "/v1/Pictures/CreateAlbum", {"Name": "Look at my pictures", "Description": "My new album!"})
CREATE_WITH_PIN = replace(CREATE, body={"Name": "Private set", "PinNumber": "q9Z4", "PINPrice": 2.5})
GROUP_CREATE = Sent("POST", "/v1/Groups/Pictures/CreateAlbum", {"UserID": 300001, "Name": "For you"})
# UpdateAlbum is sent every field, null for none: what it does with an omitted one is not documented.
UPDATE = Sent(
    "PUT", "/v1/Pictures/UpdateAlbum", {"AlbumID": 1, "Name": "Renamed", "Description": "", "PinNumber": None, "PINPrice": None}
)
UPDATE_WITH_PIN = replace(UPDATE, body={**UPDATE.body, "PinNumber": "q9Z4", "PINPrice": 2.5})
REMOVE = Sent("POST", "/v1/Groups/Pictures/RemoveAlbum", {"UserID": 300001, "AlbumID": 1, "RemoveAllPictures": True})
ADD_PICTURES = Sent("POST", "/v1/Pictures/AddPictures", {"AlbumID": 1, "Pictures": [{"Title": "t", "Image": "/9j/4A=="}]})
GET_ALBUMS = Sent("GET", "/v1/Pictures/GetAlbums", params={"UserID": 100001})
VERIFY = Sent("GET", "/v1/account/verifyCredentials")
GROUP_DETAILS = Sent(
    "GET",
    "/v1/groups/getGroupDetails",
    params={"GroupID": 9001, "ReturnMembers": "true", "MembersPerPage": 100, "PageNumber": 1, "apiKey": "key"},
    authorization=None,
)
VALID = [CREATE, CREATE_WITH_PIN, GROUP_CREATE, UPDATE, UPDATE_WITH_PIN, REMOVE, ADD_PICTURES, GET_ALBUMS, VERIFY, GROUP_DETAILS]


def _with_body(sent: Sent, **changes: Any) -> Sent:
    body = {**sent.body, **changes}
    return replace(sent, body={k: v for k, v in body.items() if v is not None})


def _without_param(sent: Sent, name: str) -> Sent:
    return replace(sent, params={k: v for k, v in sent.params.items() if k != name})


NEVER_SENT = {
    "a Name of 21 characters": _with_body(CREATE, Name="x" * 21),
    "an empty Name": _with_body(CREATE, Name=""),
    "no Name": _with_body(CREATE, Name=None),
    "the scheme as lower-case `bearer`": replace(CREATE, authorization="bearer contract-check-token"),
    "no Authorization header": replace(VERIFY, authorization=None),
    "an unknown field": _with_body(CREATE, Colour="red"),
    "PinNumber without PINPrice": _with_body(CREATE, PinNumber="q9Z4"),
    "PINPrice without PinNumber": _with_body(CREATE, PINPrice=2.5),
    "a PinNumber of 5 characters": _with_body(CREATE_WITH_PIN, PinNumber="q9Z4x"),
    "a PinNumber with a symbol": _with_body(CREATE_WITH_PIN, PinNumber="q9Z!"),
    "a PINPrice of 0": _with_body(CREATE_WITH_PIN, PINPrice=0),
    "a PINPrice as a string": _with_body(CREATE_WITH_PIN, PINPrice="2.5"),
    "UserID on the member's own endpoint": _with_body(CREATE, UserID=300001),
    "the group twin without UserID": _with_body(GROUP_CREATE, UserID=None),
    "the group twin with UserID as a string": _with_body(GROUP_CREATE, UserID="300001"),
    "UpdateAlbum without AlbumID": replace(UPDATE, body={k: v for k, v in UPDATE.body.items() if k != "AlbumID"}),
    "UpdateAlbum leaving the PIN out": _with_body(UPDATE),
    "UpdateAlbum with a PIN and no price": replace(UPDATE, body={**UPDATE_WITH_PIN.body, "PINPrice": None}),
    "UpdateAlbum with a price and no PIN": replace(UPDATE, body={**UPDATE_WITH_PIN.body, "PinNumber": None}),
    "RemoveAlbum's twin without UserID": _with_body(REMOVE, UserID=None),
    "AddPictures without pictures": _with_body(ADD_PICTURES, Pictures=[]),
    "GetAlbums without UserID": _without_param(GET_ALBUMS, "UserID"),
    "GetAlbums with UserID not a number": replace(GET_ALBUMS, params={"UserID": "me"}),
    "getGroupDetails without the API key": _without_param(GROUP_DETAILS, "apiKey"),
    "getGroupDetails with 101 members per page": replace(GROUP_DETAILS, params={**GROUP_DETAILS.params, "MembersPerPage": 101}),
    "a path in another case": replace(VERIFY, path="/v1/Account/VerifyCredentials"),
    "CreateAlbum as PUT": replace(CREATE, method="PUT"),
}


@pytest.mark.parametrize(("defect", "sent"), NEVER_SENT.items(), ids=NEVER_SENT.keys())
def test_prism_refuses_a_request_the_portal_must_never_send(prism, defect, sent):
    since = prism.mark()

    response = sent.send(prism.url)

    [exchange] = prism.exchanges(since=since)
    verdict_record(kind=f"never sent: {defect}", verdict=f"{response.status_code} {'; '.join(exchange.violations)}")
    assert 400 <= response.status_code < 500
    assert exchange.violations  # and the log says why
    assert "sl-violations" in response.headers or exchange.terminated  # an unknown route has no operation to cite


@pytest.mark.parametrize("sent", VALID, ids=lambda sent: f"{sent.method} {sent.path} {sorted(sent.body or sent.params)}")
def test_prism_accepts_the_same_requests_without_the_defect(prism, sent):
    since = prism.mark()

    response = sent.send(prism.url)

    [exchange] = prism.exchanges(since=since)
    assert response.status_code == 200 and "sl-violations" not in response.headers
    assert exchange.violations == []
