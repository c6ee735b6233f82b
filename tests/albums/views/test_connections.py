"""The connection pages (albums/views/connections.py): Unified Login through the stand-in over real HTTP,
a pasted access token, disconnecting; with Django's test client."""

import base64
import hashlib
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from albums.crypto import secret_decrypt
from albums.models import Connection
from tests.factories import oauth_connection
from tests.support.unified_login import CALLBACK, approve, local_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def registered_callback(standin):
    standin.register_client(client_id="awportal-demo", client_secret="awportal-demo-secret", redirect_uris=[CALLBACK])
    standin.config(require_pkce=True)


@pytest.fixture
def member(client, user):
    client.force_login(user)
    client.user = user
    return client


def start(client) -> str:
    response = client.get(reverse("connect_start"))
    assert response.status_code == 302
    return response["Location"]


def test_the_button_sends_the_browser_to_unified_login_with_the_documented_parameters(member, standin):
    url = start(member)

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}" == standin.url and parts.path == "/OAuth/Authorize"
    assert query["response_type"] == "code" and query["client_id"] == "awportal-demo"
    assert query["redirect_uri"] == CALLBACK
    assert query["scope"].split() == ["profile_gallery", "account_information"]
    assert len(query["state"]) >= 32
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43


def test_the_code_exchange_sends_the_verifier_of_the_challenge_and_no_one_else_sees_it(member, standin):
    authorize = start(member)
    challenge = parse_qs(urlsplit(authorize).query)["code_challenge"][0]

    member.get(local_path(approve(authorize)))

    verifier = standin.requests("/oauth/token")[-1]["form"]["code_verifier"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == challenge and 43 <= len(verifier) <= 128
    assert verifier not in authorize and Connection.objects.get().aw_user_id == 100001


def test_a_login_started_in_a_second_tab_does_not_void_the_first(member, standin):
    first, second = start(member), start(member)

    member.get(local_path(approve(second)))
    member.post(reverse("disconnect"))
    response = member.get(local_path(approve(first, user_id=200001)))

    assert response.status_code == 302 and Connection.objects.get().aw_user_id == 200001


def test_a_forged_answer_does_not_spoil_the_login_in_progress(member, standin):
    authorize = start(member)

    forged = member.get(reverse("connect_callback"), {"code": "attacker-code", "state": "attacker-state"})
    assert forged.status_code == 400
    response = member.get(local_path(approve(authorize)))

    assert response.status_code == 302 and Connection.objects.get().aw_user_id == 100001
    assert [r["form"]["code"] != "attacker-code" for r in standin.requests("/oauth/token")] == [True]


def test_a_state_with_characters_outside_ascii_is_refused_not_a_crash(member, standin):
    start(member)
    response = member.get(reverse("connect_callback"), {"code": "c", "state": "é" * 43})
    assert response.status_code == 400 and standin.requests("/oauth/token") == []


def test_an_answer_is_good_once(member, standin):
    callback = local_path(approve(start(member)))
    member.get(callback)
    again = member.get(callback)
    assert again.status_code == 400 and len(standin.requests("/oauth/token")) == 1


def test_connecting_stores_the_account_and_encrypted_tokens_that_renew(member, standin):
    callback = approve(start(member), user_id=200001)

    response = member.get(local_path(callback))

    assert response.status_code == 302 and response["Location"] == reverse("connect")
    connection = Connection.objects.get(user=member.user)
    assert (connection.aw_user_id, connection.group_id, connection.group_name) == (200001, 9001, "Demo Agency")
    assert connection.is_group_manager and connection.source == Connection.Source.OAUTH
    assert connection.scope_set == {"profile_gallery", "account_information"}
    assert connection.refresh_token_encrypted and connection.access_token_expires_at
    exchange = standin.requests("/oauth/token")[-1]["form"]
    assert exchange["grant_type"] == "authorization_code" and exchange["client_id"] == "awportal-demo"
    access = secret_decrypt(connection.access_token_encrypted)
    assert standin.requests("verifycredentials")[-1]["headers"]["Authorization"] == f"Bearer {access}"
    # A group manager now, so the next page asks for a second factor first.
    page = member.get(reverse("connect"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert "Connected AdultWork account 200001" in page.content.decode() and access not in page.content.decode()


def test_a_cancelled_login_changes_nothing_and_says_so(member, standin):
    callback = approve(start(member), decision="cancel")
    assert "status=cancelled" in callback

    response = member.get(local_path(callback))

    assert "You cancelled the login" in response.content.decode()
    assert not Connection.objects.exists()
    assert standin.requests("/oauth/token") == []


@pytest.mark.parametrize("tamper", ["drop", "change"])
def test_an_answer_whose_state_is_missing_or_different_is_refused(member, standin, tamper):
    callback = approve(start(member))
    query = parse_qs(urlsplit(callback).query)
    state = "" if tamper == "drop" else "x" + query["state"][0]

    response = member.get(reverse("connect_callback"), {"code": query["code"][0], "state": state})

    assert response.status_code == 400
    assert "state is missing or different" in response.content.decode()
    assert standin.requests("/oauth/token") == [] and not Connection.objects.exists()


@pytest.mark.parametrize("stray", [{}, {"state": "forged", "code": "x"}, {"state": "é"}, {"code": "x", "status": "cancelled"}])
def test_a_stray_or_forged_callback_does_not_spoil_the_login_in_progress(member, standin, stray):
    callback = approve(start(member), user_id=200001)

    refused = member.get(reverse("connect_callback"), stray)
    response = member.get(local_path(callback))

    assert refused.status_code == 400
    assert response.status_code == 302 and Connection.objects.get(user=member.user).aw_user_id == 200001


def test_the_state_is_used_once(member, standin):
    callback = approve(start(member), user_id=100001)  # not a group manager, who would owe a second factor first
    member.get(local_path(callback))

    again = member.get(local_path(callback))

    assert again.status_code == 400 and "state is missing or different" in again.content.decode()


def test_a_code_the_token_endpoint_refuses_is_explained(member, standin):
    callback = approve(start(member))
    member.get(local_path(callback))  # uses the code
    member.post(reverse("disconnect"))
    second_state = parse_qs(urlsplit(start(member)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]

    response = member.get(reverse("connect_callback"), {"code": code, "state": second_state})

    assert response.status_code == 502
    assert "refused to complete the connection (invalid_grant)" in response.content.decode()
    assert not Connection.objects.exists()


def test_a_scope_not_granted_is_named_with_what_it_stops(member, standin):
    callback = approve(start(member), granted=["account_information"])
    member.get(local_path(callback))

    page = member.get(reverse("connect")).content.decode()
    assert "profile_gallery" in page and "which stops creating albums" in page

    response = member.post(reverse("album_create"), {"name": "Look", "submission_key": "8b9f0e3c-3c4f-4f0e-9a34-1f1f0b8d9a11"})
    assert "not granted the profile_gallery permission" in response.content.decode()
    assert standin.requests("createalbum") == []


def test_a_portal_without_client_credentials_explains_what_to_set(member, settings):
    settings.AW_CLIENT_ID = ""
    page = member.get(reverse("connect")).content.decode()
    assert "AW_CLIENT_ID" in page and "AW_CLIENT_SECRET" in page

    response = member.get(reverse("connect_start"), follow=True)
    assert "not set up on this portal" in response.content.decode()


def test_an_expired_connection_keeps_the_form_across_reconnecting(member, standin):
    oauth_connection(standin, user=member.user, expires_in=30)
    standin.expire(user_id=100001, what="refresh")
    form = member.get(reverse("album_create")).content.decode()
    key = form.split('name="submission_key" value="')[1].split('"')[0]

    response = member.post(reverse("album_create"), {"submission_key": key, "name": "Kept", "description": "Still here", "pin_number": "ab12", "pin_price": "2"})

    page = response.content.decode()
    assert "needs reconnecting" in page and 'value="Kept"' in page and "Reconnect AdultWork account" in page
    assert Connection.objects.get().status == Connection.Status.NEEDS_RECONNECT

    back = member.get(local_path(approve(start(member))))
    assert back["Location"] == reverse("album_create")
    again = member.get(back["Location"]).content.decode()
    assert 'value="Kept"' in again and "Still here" in again and 'value="2"' in again
    assert "ab12" not in again and "type it again" in again  # a PIN never goes back into a page
    assert Connection.objects.get().status == Connection.Status.ACTIVE


def test_an_error_description_from_the_login_is_shown_escaped_and_cut(member, standin):
    state = parse_qs(urlsplit(start(member)).query)["state"][0]
    description = "<b>Code challenge required.</b>" + "x" * 5000

    response = member.get(reverse("connect_callback"), {"state": state, "error": "invalid_request", "error_description": description})

    page = response.content.decode()
    assert "(invalid_request: &lt;b&gt;Code challenge required.&lt;/b&gt;" in page and "<b>Code" not in page
    assert "x" * 300 not in page and "x…" in page


def test_a_client_the_authorize_endpoint_refuses_is_an_administrators_problem_too(member, standin, caplog):
    state = parse_qs(urlsplit(start(member)).query)["state"][0]

    with caplog.at_level(logging.ERROR, logger="albums.services.connections"):
        response = member.get(reverse("connect_callback"), {"state": state, "error": "unauthorized_client"})

    page = response.content.decode()
    assert response.status_code == 502 and "misconfigured" in page and "Start again" not in page
    assert any("authorization request" in r.getMessage() and "AW_CLIENT_ID" in r.getMessage() for r in caplog.records)


def test_the_token_endpoint_error_description_is_shown(member, standin):
    authorize = start(member)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    session = member.session
    session["aw_oauth_logins"][state] = "a-verifier-that-does-not-match-the-challenge-sent-with-it"
    session.save()

    response = member.get(local_path(approve(authorize)))

    assert response.status_code == 502
    assert "(invalid_grant: PKCE verification failed: the code_verifier does not match.)" in response.content.decode()


@pytest.mark.parametrize("error", ["invalid_client", "unauthorized_client"])
def test_a_client_the_token_endpoint_refuses_is_an_administrators_problem_at_any_token_call(member, standin, caplog, error):
    standin.fault("error", match="/oauth/token", status=400, body={"error": error, "error_description": "Client not allowed."})

    with caplog.at_level(logging.ERROR, logger="albums.services.connections"):
        page = member.get(local_path(approve(start(member)))).content.decode()
    assert "misconfigured" in page and "administrator has been told" in page and "Start again" not in page
    assert f"({error}: Client not allowed.)" in page

    connection = oauth_connection(standin, user=member.user, expires_in=30)
    with caplog.at_level(logging.ERROR, logger="albums.services.connections"):
        refused = member.post(reverse("album_create"), {"name": "Kept", "submission_key": "8b9f0e3c-3c4f-4f0e-9a34-1f1f0b8d9a12"})
    assert "misconfigured" in refused.content.decode() and 'value="Kept"' in refused.content.decode()
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.name == "albums.services.connections"]
    assert len(logged) == 2 and all("AW_CLIENT_SECRET" in m and "AW_OAUTH_REDIRECT_URI" in m for m in logged)
    assert not any("awportal-demo-secret" in m for m in logged)


def test_connecting_with_an_access_token(client, user, standin):
    client.force_login(user)

    response = client.post(reverse("connect"), {"access_token": "demo-member-token"}, follow=True)

    assert "Connected AdultWork account 100001" in response.content.decode()
    assert Connection.objects.get(user=user).aw_user_id == 100001
    assert "demo-member-token" not in response.content.decode()


def test_a_refused_access_token_is_explained(client, user, standin):
    client.force_login(user)
    response = client.post(reverse("connect"), {"access_token": "wrong"})
    assert "did not accept this access token" in response.content.decode()
    assert not Connection.objects.exists()


def test_disconnecting(signed_in):
    response = signed_in.post(reverse("disconnect"), follow=True)
    assert "Disconnected" in response.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.parametrize(("expires_in", "lifetime"), [(10**20, 86400), ("99999999999999999999999", 86400), (1200, 1200)])
def test_a_token_lifetime_of_any_size_is_kept_as_at_most_a_day(member, standin, expires_in, lifetime):
    from django.utils import timezone

    callback = approve(start(member), user_id=200001)
    tokens = {"access_token": "demo-manager-token", "refresh_token": "r", "token_type": "bearer", "expires_in": expires_in}
    standin.fault("error", match="/oauth/token", status=200, times=1, body=tokens)

    response = member.get(local_path(callback))

    assert response.status_code == 302
    expires_at = Connection.objects.get(user=member.user).access_token_expires_at
    assert abs((expires_at - timezone.now()).total_seconds() - lifetime) < 60


def test_a_token_lifetime_in_other_digits_is_an_unusable_answer(member, standin):
    callback = approve(start(member), user_id=200001)
    tokens = {"access_token": "demo-manager-token", "refresh_token": "r", "token_type": "bearer", "expires_in": "\u0665"}
    standin.fault("error", match="/oauth/token", status=200, times=1, body=tokens)

    response = member.get(local_path(callback))

    assert response.status_code == 502 and "without usable tokens" in response.content.decode()
    assert not Connection.objects.exists()
