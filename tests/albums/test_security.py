"""Nobody let in: ownership, CSRF, throttled sign-in, escaping, CSP, secrets kept out of pages and logs,
and AdultWork reached only at the configured address."""

import logging
import re
import socket
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from albums import adultwork as aw
from albums.models import AlbumRecord, Connection, PictureUpload
from harness.second_factor import SignedInClient
from tests.factories import AlbumRecordFactory, ConnectionFactory, PictureUploadFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("album_create")
CREATE = "CreateAlbum"

# Every URL of the portal's own pages, by what it shows or changes. A new URL fails
# test_every_portal_url_is_in_the_access_table until it is added here.
OBJECT_URLS = {  # one record: owner only
    "album_detail": "GET",
    "album_pin_reveal": "POST",
    "album_check": "POST",
    "album_send_again": "POST",
}
OWN_URLS = {  # the signed-in user's own things, never anyone else's
    "dashboard": "GET",
    "connect": "POST",
    "connect_start": "GET",
    "connect_callback": "GET",
    "disconnect": "POST",
    "album_list": "GET",
    "album_export": "GET",
    "album_create": "POST",
    "pin_suggestion": "GET",
    "album_sync": "POST",
    "gallery": "GET",
    # Two-step sign-in (accounts/)
    "two_factor": "GET",
    "two_factor_setup": "POST",
    "two_factor_verify": "POST",
    "recovery_codes_new": "POST",
    "two_factor_disable": "POST",
}
# Acting on an album AdultWork lists, named by its AlbumID: only albums of accounts the user may act for.
ALBUM_URLS = {"album_edit": "POST", "album_remove": "POST", "picture_upload_create": "POST"}
# One picture upload, by id: its sender's, or an agency's for a member.
UPLOAD_URLS = {
    "picture_upload_detail": "POST",
    "picture_upload_discard": "POST",
    "picture_upload_resume": "POST",
    "picture_upload_progress": "GET",
}
# Acting for group members: only for users with an agency connection; "not found" for everyone else.
# The value says whether the URL names an object (a job, an agency or a roster entry) by id.
AGENCY_URLS = {
    "member_album_create": ("POST", False),
    "member_list": ("GET", False),
    "member_roster_state": ("GET", False),
    "bulk_job_list": ("GET", False),
    "bulk_job_create": ("POST", False),
    "bulk_job_csv": ("POST", False),
    "bulk_job_csv_template": ("GET", False),
    "bulk_job_detail": ("GET", True),
    "bulk_job_progress": ("GET", True),
    "bulk_job_retry": ("POST", True),
    "bulk_job_start": ("POST", True),
    "bulk_job_cancel": ("POST", True),
    "bulk_job_pins": ("POST", True),
    "bulk_job_pins_csv": ("POST", True),
    "member_roster_refresh": ("POST", True),
    "member_add": ("POST", True),
    "member_remove": ("POST", True),
}


def agency_url(name: str, pk: int = 1) -> str:
    return reverse(name, args=[pk]) if AGENCY_URLS[name][1] else reverse(name)


def url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
        elif isinstance(entry, URLResolver):
            names |= url_names(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
    return names


def portal_url_names() -> set[str]:
    """Every named URL but Django's own sign-in pages and admin, which have their own tests below."""
    django_own = url_names(get_resolver("django.contrib.auth.urls"))
    return {name for name in url_names(get_resolver()) if not name.startswith("admin:")} - django_own


def test_every_portal_url_is_in_the_access_table():
    assert portal_url_names() == set(OBJECT_URLS) | set(OWN_URLS) | set(AGENCY_URLS) | set(ALBUM_URLS) | set(UPLOAD_URLS)


@pytest.mark.parametrize("name", sorted(AGENCY_URLS))
def test_agency_urls_are_not_found_by_users_who_may_act_for_no_member(client, name, agency, standin):
    job_and_member_ids = {agency.pk, agency.members.first().pk}
    for outsider in (ConnectionFactory().user, UserFactory(username="root", is_staff=True, is_superuser=True)):
        client.force_login(outsider)
        for pk in job_and_member_ids:
            assert client.get(agency_url(name, pk)).status_code in (404, 405)
            assert client.post(agency_url(name, pk), {"member": 300001, "name": "x", "all_members": "on"}).status_code == 404
    assert standin.requests("/v1/") == []


@pytest.mark.parametrize("name", sorted(AGENCY_URLS))
def test_every_agency_url_needs_signing_in(client, name):
    for response in (client.get(agency_url(name)), client.post(agency_url(name))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_agency_post_needs_the_csrf_token(manager, agency, standin):
    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(manager)
    for name, (method, _) in AGENCY_URLS.items():
        if method == "POST":
            response = browser.post(agency_url(name, agency.pk), {"member": 300001, "name": "Look"})
            assert response.status_code == 403, name
    assert standin.requests("/v1/") == []


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_a_record_url_of_another_user_is_not_found(client, name, standin):
    theirs = AlbumRecordFactory(status=AlbumRecord.Status.UNKNOWN, album_id=None)
    for intruder in (ConnectionFactory().user, UserFactory(username="root", is_staff=True, is_superuser=True)):
        client.force_login(intruder)
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404 if OBJECT_URLS[name] == "GET" else 405
        assert client.post(url).status_code == 404
    assert standin.requests("/v1/") == []
    theirs.refresh_from_db()
    assert theirs.status == AlbumRecord.Status.UNKNOWN


@pytest.mark.parametrize("name", sorted(OBJECT_URLS | OWN_URLS | ALBUM_URLS | UPLOAD_URLS))
def test_every_portal_url_needs_signing_in(client, name):
    url = reverse(name, args=[1]) if name not in OWN_URLS else reverse(name)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_without_an_id_show_and_change_only_the_users_own_things(client, standin):
    mine, theirs = ConnectionFactory(), ConnectionFactory(aw_user_id=200001, access_token="demo-manager-token")
    AlbumRecordFactory(created_by=theirs.user, name="Theirs")
    client.force_login(mine.user)

    pages = "".join(client.get(reverse(name)).content.decode() for name in ("dashboard", "connect", "album_list"))
    pages += client.post(reverse("album_sync")).content.decode()
    client.post(reverse("disconnect"))

    assert "Theirs" not in pages and "200001" not in pages
    assert list(Connection.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_admin_is_for_staff_only(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:albums_albumrecord_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", sorted(ALBUM_URLS))
def test_an_album_of_an_account_the_user_may_not_act_for_is_not_found(client, name, standin):
    theirs = aw.AdultWorkClient(base_url=standin.url, access_token="demo-manager-token").album_create(
        album=aw.AlbumInput(name="A member's"), member_id=300001
    )
    client.force_login(ConnectionFactory().user)  # the demo member, in no group
    url = reverse(name, args=[theirs.album_id])
    for member in ("", "?member=300001"):
        assert client.get(url + member).status_code == 404
        response = client.post(url + member, {"submission_key": str(uuid.uuid4()), "name": "Mine now", "remove_pin": "on"})
        assert response.status_code == 404
    assert not AlbumRecord.objects.exists() and not PictureUpload.objects.exists()
    assert [r["method"] for r in standin.requests("/v1/")] == ["POST"] + ["GET"] * len(standin.requests("getalbums"))


@pytest.mark.parametrize("name", sorted(UPLOAD_URLS))
def test_an_upload_of_another_user_is_not_found(client, name, standin):
    theirs = PictureUploadFactory()
    client.force_login(ConnectionFactory().user)
    url = reverse(name, args=[theirs.pk])
    # Discard and resume take only a POST; everything else answers "not found", never "forbidden".
    assert client.get(url).status_code == (405 if name in ("picture_upload_discard", "picture_upload_resume") else 404)
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == PictureUpload.Status.DRAFT


def post_urls(record: AlbumRecord) -> list[str]:
    portal = [reverse(n, args=[record.pk]) for n, m in OBJECT_URLS.items() if m == "POST"]
    portal += [reverse(n, args=[5000001]) for n in ALBUM_URLS]
    portal += [reverse(n) for n, m in OWN_URLS.items() if m == "POST"]
    return portal + [reverse(n) for n in ("login", "logout", "password_change", "password_reset", "admin:login")]


def test_every_post_needs_the_csrf_token(standin):
    user = ConnectionFactory().user
    record = AlbumRecordFactory(created_by=user, status=AlbumRecord.Status.UNKNOWN, album_id=None)
    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(user)

    for url in post_urls(record):
        response = browser.post(url, {"submission_key": str(uuid.uuid4()), "name": "Look", "access_token": "x"})
        assert response.status_code == 403, url
        assert "This form has expired" in response.content.decode()
    assert standin.requests("/v1/") == []


def test_a_post_with_the_csrf_token_goes_through(standin):
    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(ConnectionFactory().user)
    page = browser.get(NEW).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)

    response = browser.post(NEW, {"csrfmiddlewaretoken": token, "submission_key": key, "name": "Look"})

    assert response.status_code == 302 and len(standin.requests(CREATE)) == 1


def sign_in(client, password: str, *, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": "ann", "password": password}, REMOTE_ADDR=address)


def test_sign_in_is_paused_after_five_failures_even_with_the_right_password(client):
    UserFactory(username="ann")
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200

    locked = sign_in(client, "wrong")
    again = sign_in(client, "portal-password-1")

    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert again.status_code == 429 and "_auth_user_id" not in client.session


def test_a_pause_holds_for_that_username_from_that_address_only(client):
    UserFactory(username="ann")
    for _ in range(5):
        sign_in(client, "wrong", address="10.0.0.1")

    assert sign_in(client, "portal-password-1", address="10.0.0.2").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client):
    UserFactory(username="ann", is_staff=True)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "ann", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(reverse("admin:login"), {"username": "ann", "password": "portal-password-1"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429


HOSTILE_NAME = "<script>alert(1)"  # the longest start of the classic that fits in 20 characters
HOSTILE_TEXT = "<script>alert(1)</script>"


def test_hostile_names_and_descriptions_render_escaped_everywhere_admin_included(client, standin):
    user = ConnectionFactory().user
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": HOSTILE_NAME, "description": HOSTILE_TEXT})
    record = AlbumRecord.objects.get()
    assert record.album_name == HOSTILE_NAME  # AdultWork took it as sent and answered it back
    standin.fault("error", status=500, match=CREATE, times=1)
    failed_form = client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": HOSTILE_NAME, "description": HOSTILE_TEXT})

    pages = [failed_form] + [client.get(url) for url in (reverse("dashboard"), reverse("album_list"), record.get_absolute_url())]
    client.force_login(admin)
    pages += [
        client.get(url)
        for url in (
            reverse("admin:albums_albumrecord_changelist"),
            reverse("admin:albums_albumrecord_change", args=[record.pk]),
            reverse("admin:albums_albumrecord_changelist") + "?q=" + HOSTILE_NAME,
        )
    ]

    for response in pages:
        page = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page, response.request["PATH_INFO"]


def inline_code(page: str) -> list[str]:
    """Inline script and style that the Content-Security-Policy would block."""
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page, flags=re.IGNORECASE)
    styles = re.findall(r"<style\b|\sstyle\s*=", page, flags=re.IGNORECASE)
    handlers = re.findall(r"\son[a-z]+\s*=", page, flags=re.IGNORECASE)
    return scripts + styles + handlers


def test_every_page_is_served_under_a_csp_without_inline_code(client, standin):
    user = ConnectionFactory().user
    UserFactory(username="ann")
    records = [
        AlbumRecordFactory(created_by=user, status=status, album_id=None if status != "created" else 9100000 + n,
                           error_message="x", confirmed_absent_at=None)
        for n, status in enumerate(AlbumRecord.Status.values)
    ]
    responses = [client.get(reverse("login"))] + [sign_in(client, "wrong") for _ in range(5)][-1:]
    client.force_login(user)
    responses += [client.get(reverse(name)) for name in ("dashboard", "connect", "album_list", "album_create", "album_sync")]
    responses.append(client.post(reverse("album_sync")))
    responses += [client.get(record.get_absolute_url()) for record in records]
    responses += [client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": ""}), client.get("/no-such-page/")]
    responses.append(SignedInClient(enforce_csrf_checks=True).post(reverse("login"), {}))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    responses += [
        client.get(reverse(name, args=args))
        for name, args in [
            ("admin:index", []),
            ("admin:albums_albumrecord_changelist", []),
            ("admin:albums_albumrecord_change", [records[0].pk]),
            ("admin:albums_connection_changelist", []),
            ("admin:albums_connection_change", [user.aw_connection.pk]),
        ]
    ]

    assert {r.status_code for r in responses} == {200, 403, 404, 429}
    for response in responses:
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        assert inline_code(response.content.decode()) == [], response.request["PATH_INFO"]


def test_tokens_pins_and_the_api_key_never_reach_pages_or_logs(client, standin, caplog, settings):
    caplog.set_level(logging.DEBUG)
    token = standin.token(user_id=100001, scopes=["profile_gallery", "account_information"])["access_token"]
    refused_token = "refused-" + uuid.uuid4().hex
    pins = ["Qz7x", "Wv3k"]
    user = UserFactory()
    client.force_login(user)
    seen = [client.post(reverse("connect"), {"access_token": refused_token})]
    seen.append(client.post(reverse("connect"), {"access_token": token}, follow=True))
    seen.append(client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": "Paid", "pin_number": pins[0], "pin_price": "2"}))
    shown_once = client.get(seen[-1]["Location"])  # the one page meant to show a new PIN: to its creator, uncached
    assert pins[0] in shown_once.content.decode() and "no-store" in shown_once["Cache-Control"]
    standin.fault("error", status=500, match=CREATE, times=1)
    seen.append(client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": "Unknown", "pin_number": pins[1], "pin_price": "3"}))
    seen.append(client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": "Half", "pin_number": "Xy9Z"}))  # refused by the form
    records = list(AlbumRecord.objects.all())
    seen += [client.get(record.get_absolute_url()) for record in records]
    seen += [client.get(reverse(name)) for name in ("dashboard", "album_list", "connect")]
    seen += [client.get(reverse("album_detail", args=[999999])), SignedInClient(enforce_csrf_checks=True).post(NEW)]
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    connection = Connection.objects.get()
    for model, pk in [("connection", connection.pk)] + [("albumrecord", record.pk) for record in records]:
        seen += [client.get(reverse(f"admin:albums_{model}_changelist")), client.get(reverse(f"admin:albums_{model}_change", args=[pk]))]

    assert {r.status_code for r in seen} >= {200, 403, 404}
    text = caplog.text + "".join(r.content.decode() for r in seen)
    for secret in [token, refused_token, *pins, "Xy9Z", settings.AW_API_KEY, *settings.AW_TOKEN_KEYS]:
        assert secret not in text


def test_nothing_a_user_types_changes_where_the_portal_sends_its_requests(client, standin):
    with socket.socket() as trap:
        trap.bind(("127.0.0.1", 0))
        trap.listen()
        trap.settimeout(0.3)
        elsewhere = f"127.0.0.1:{trap.getsockname()[1]}"
        client.force_login(ConnectionFactory().user)
        name, description = f"@{elsewhere}/", f"http://{elsewhere}/v1/Pictures/CreateAlbum?x=../../"

        response = client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": name, "description": description})

        with pytest.raises(TimeoutError):
            trap.accept()
    sent = standin.requests(CREATE)
    assert response.status_code == 302 and len(sent) == 1
    assert sent[0]["path"] == "/v1/Pictures/CreateAlbum" and sent[0]["query"] == {}
    assert sent[0]["json"] == {"Name": name, "Description": description}
