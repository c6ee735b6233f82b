"""Every request the portal sends, checked by Prism against `contract/adultwork.openapi.yaml`.

Each flow drives the portal's real pages (Django's test client; the portal speaks real HTTP to Prism) and
names the operations it must send. A flow passes only when the page did what it should with Prism's
answers AND Prism's log reports no violation for any request of the flow.

To cover a new operation: once the contract lists it, add one Flow to FLOWS that drives the page sending it,
and take it out of NOT_SENT_YET.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from albums.models import AlbumRecord, BulkJob, Connection, Member, PictureUpload
from harness.pictures import tagged_jpeg
from tests.contract.conftest import verdict_record
from tests.factories import (
    AlbumRecordFactory,
    ConnectionFactory,
    ManagerConnectionFactory,
    StaffGrantFactory,
    UserFactory,
    roster,
)
from tests.support.prism import contract_operations

pytestmark = pytest.mark.django_db

OPERATIONS = contract_operations()
OPERATION_OF = {request: operation for operation, request in OPERATIONS.items()}
# In the contract for pages still being built; their flows come with those pages.
NOT_SENT_YET: set[str] = set()

MEMBERS = [300001, 300002, 300003]  # the members in getGroupDetails' example


@dataclass
class Portal:
    """The portal's pages, as a signed-in user sees them."""

    client: Client
    capture_on_commit_callbacks: Callable

    def sign_in(self, user) -> None:
        self.client.force_login(user)

    def post_form(self, url: str, fields: dict):
        """Open the form page (for its submission key), then send it."""
        page = self.client.get(url).content.decode()
        key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        return self.client.post(url, {"submission_key": key, **fields})


def connect_with_a_pasted_token(portal: Portal) -> None:
    user = UserFactory()
    portal.sign_in(user)
    response = portal.client.post(reverse("connect"), {"access_token": "contract-check-token"})
    assert response.status_code == 302, response.content.decode()
    connection = Connection.objects.get(user=user)
    assert (connection.aw_user_id, connection.group_id, connection.is_group_manager) == (200001, 9001, True)
    assert connection.scope_set == {"profile_gallery", "account_information"}


def _created(response) -> AlbumRecord:
    record = AlbumRecord.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url(), record.error_message
    assert (record.status, record.album_id) == (AlbumRecord.Status.CREATED, 1)
    return record


def create_an_album(portal: Portal) -> None:
    portal.sign_in(ConnectionFactory().user)
    _created(portal.post_form(reverse("album_create"), {"name": "Look at my pictures", "description": "My new album!"}))


def create_an_album_with_a_pin(portal: Portal) -> None:
    portal.sign_in(ConnectionFactory().user)
    fields = {"name": "Private set", "pin_number": "q9Z4", "pin_price": "2.500"}
    assert _created(portal.post_form(reverse("album_create"), fields)).has_pin


def _agency() -> Connection:
    connection = ManagerConnectionFactory()
    roster(connection, MEMBERS)
    return connection


def create_for_a_member_as_manager(portal: Portal) -> None:
    portal.sign_in(_agency().user)
    fields = {"member": MEMBERS[0], "name": "For you", "description": "From the agency"}
    assert _created(portal.post_form(reverse("member_album_create"), fields)).aw_user_id == MEMBERS[0]


def create_for_a_member_as_agency_staff(portal: Portal) -> None:
    staff = UserFactory()
    StaffGrantFactory(connection=_agency(), user=staff)
    portal.sign_in(staff)
    fields = {"member": MEMBERS[1], "name": "For you", "pin_number": "Zk7m", "pin_price": "10"}
    assert _created(portal.post_form(reverse("member_album_create"), fields)).aw_user_id == MEMBERS[1]


def run_a_bulk_job(portal: Portal) -> None:
    portal.sign_in(_agency().user)
    with portal.capture_on_commit_callbacks(execute=True):  # the job runs when its row is committed
        portal.post_form(reverse("bulk_job_create"), {"name": "Spring", "members": MEMBERS})
    job = BulkJob.objects.get()
    progress = portal.client.get(reverse("bulk_job_progress", args=[job.pk])).json()
    assert (progress["finished"], progress["counts"]["created"]) == (True, len(MEMBERS)), progress


def _synced(response, *, user_id: int) -> None:
    page = response.content.decode()
    assert response.status_code == 200 and f"AdultWork UserID {user_id}: 2 albums on AdultWork" in page, page


def check_an_unknown_outcome(portal: Portal) -> None:
    connection = ConnectionFactory()
    record = AlbumRecordFactory(
        created_by=connection.user,
        connection=connection,
        status=AlbumRecord.Status.UNKNOWN,
        album_id=None,
        name="Look at my pictures",  # as GetAlbums' example lists it
        description="My new album!",
    )
    portal.sign_in(connection.user)
    portal.client.post(reverse("album_check", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.album_id) == (AlbumRecord.Status.CREATED, 1)


def refresh_own_albums_from_adultwork(portal: Portal) -> None:
    portal.sign_in(ConnectionFactory().user)
    _synced(portal.client.post(reverse("album_sync")), user_id=100001)


def refresh_a_members_albums_from_adultwork(portal: Portal) -> None:
    portal.sign_in(_agency().user)
    _synced(portal.client.post(reverse("album_sync"), {"member": MEMBERS[2]}), user_id=MEMBERS[2])


def refresh_the_roster(portal: Portal) -> None:
    connection = ManagerConnectionFactory()
    portal.sign_in(connection.user)
    response = portal.client.post(reverse("member_roster_refresh", args=[connection.pk]))
    assert response.status_code == 302
    assert sorted(Member.objects.filter(connection=connection).values_list("aw_user_id", flat=True)) == MEMBERS


# Edit album, Remove album and Add pictures act on an album GetAlbums lists: Prism's example lists
# AlbumID 1 ("Look at my pictures") and 2.
def _staff_for_a_member():
    staff = UserFactory()
    StaffGrantFactory(connection=_agency(), user=staff)
    return staff


def _album_url(name: str, *, member: int | None = None) -> str:
    return reverse(name, args=[1]) + (f"?member={member}" if member else "")


def _done(response, kind: str) -> AlbumRecord:
    record = AlbumRecord.objects.filter(kind=kind).latest("pk")
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url(), record.error_message
    assert record.status == AlbumRecord.Status.CREATED
    return record


def edit_an_album_giving_it_a_pin(portal: Portal) -> None:
    portal.sign_in(ConnectionFactory().user)
    fields = {"name": "Renamed", "description": "New words", "pin_number": "q9Z4", "pin_price": "2.500"}
    _done(portal.post_form(_album_url("album_edit"), fields), "edit")


def edit_a_members_album_removing_its_pin_as_agency_staff(portal: Portal) -> None:
    portal.sign_in(_staff_for_a_member())
    fields = {"name": "Renamed", "remove_pin": "on"}
    assert _done(portal.post_form(_album_url("album_edit", member=MEMBERS[0]), fields), "edit").for_member


def remove_an_album(portal: Portal) -> None:
    portal.sign_in(ConnectionFactory().user)
    _done(portal.post_form(_album_url("album_remove"), {"remove_pictures": "on"}), "remove")


def remove_a_members_album_as_manager(portal: Portal) -> None:
    portal.sign_in(_agency().user)
    _done(portal.post_form(_album_url("album_remove", member=MEMBERS[1]), {}), "remove")


def _add_two_pictures(portal: Portal, url: str) -> None:
    photos = [SimpleUploadedFile(f"IMG_000{n}.JPG", tagged_jpeg(), content_type="image/jpeg") for n in (1, 2)]
    portal.post_form(url, {"title": "My new bikini", "pictures": photos})
    upload = PictureUpload.objects.get()
    with portal.capture_on_commit_callbacks(execute=True):  # the worker's part runs when the queue commits
        portal.client.post(upload.get_absolute_url(), {})
    upload.refresh_from_db()
    assert upload.status == PictureUpload.Status.FINISHED and not upload.error_message, upload.error_message
    assert upload.records.get().status == AlbumRecord.Status.CREATED


def add_pictures_to_an_album(portal: Portal) -> None:
    portal.sign_in(ConnectionFactory().user)
    _add_two_pictures(portal, _album_url("picture_upload_create"))


def add_pictures_to_a_members_album_as_agency_staff(portal: Portal) -> None:
    portal.sign_in(_staff_for_a_member())
    _add_two_pictures(portal, _album_url("picture_upload_create", member=MEMBERS[2]))


@dataclass(frozen=True)
class Flow:
    drive: Callable[[Portal], None]
    sends: frozenset[str]  # the operations the flow must send, and no others

    def __str__(self) -> str:
        return self.drive.__name__


FLOWS = [
    Flow(connect_with_a_pasted_token, frozenset({"verifyCredentials", "GetPermissions"})),
    Flow(create_an_album, frozenset({"CreateAlbum"})),
    Flow(create_an_album_with_a_pin, frozenset({"CreateAlbum"})),
    Flow(create_for_a_member_as_manager, frozenset({"GroupsCreateAlbum"})),
    Flow(create_for_a_member_as_agency_staff, frozenset({"GroupsCreateAlbum"})),
    Flow(run_a_bulk_job, frozenset({"GroupsCreateAlbum"})),
    Flow(check_an_unknown_outcome, frozenset({"GetAlbums"})),
    Flow(refresh_own_albums_from_adultwork, frozenset({"GetAlbums"})),
    Flow(refresh_a_members_albums_from_adultwork, frozenset({"GroupsGetAlbums"})),
    Flow(refresh_the_roster, frozenset({"getGroupDetails"})),
    Flow(edit_an_album_giving_it_a_pin, frozenset({"GetAlbums", "UpdateAlbum"})),
    Flow(edit_a_members_album_removing_its_pin_as_agency_staff, frozenset({"GroupsGetAlbums", "GroupsUpdateAlbum"})),
    Flow(remove_an_album, frozenset({"GetAlbums", "RemoveAlbum"})),
    Flow(remove_a_members_album_as_manager, frozenset({"GroupsGetAlbums", "GroupsRemoveAlbum"})),
    Flow(add_pictures_to_an_album, frozenset({"GetAlbums", "AddPictures"})),
    Flow(add_pictures_to_a_members_album_as_agency_staff, frozenset({"GroupsGetAlbums", "GroupsAddPictures"})),
]


def _answers_received(caplog) -> list[tuple[str, str, int]]:
    """What the portal's client says Prism answered (its log line per call: method, path, status)."""
    return [
        record.args[:3]
        for record in caplog.records
        if record.name == "albums.adultwork.client" and record.msg.startswith("AdultWork %s %s -> %s")
    ]


@pytest.mark.parametrize("flow", FLOWS, ids=str)
def test_every_request_of_the_flow_keeps_the_contract(client, prism, django_capture_on_commit_callbacks, caplog, flow):
    caplog.set_level(logging.INFO, logger="albums.adultwork.client")
    since = prism.mark()
    try:
        flow.drive(Portal(client=client, capture_on_commit_callbacks=django_capture_on_commit_callbacks))
    finally:  # Prism's verdict first: a broken request is why a page then failed
        exchanges = prism.exchanges(since=since)
        for exchange in exchanges:
            operation = OPERATION_OF.get(exchange.key, f"{exchange.method} {exchange.path} (not in the contract)")
            verdict_record(kind=f"{operation}: {flow}", verdict=f"{exchange.status or 'refused'} {'; '.join(exchange.violations) or 'valid'}")
        broken = [(e.method, e.path, e.status, e.violations) for e in exchanges if e.violations or e.terminated]
        assert not broken, f"Prism's log reports requests that break the contract: {broken}"
    answers = _answers_received(caplog)
    assert [status for _, _, status in answers] == [200] * len(exchanges), f"Prism refused some requests: {answers}"
    assert {OPERATION_OF.get(e.key) for e in exchanges} == flow.sends

def test_prism_serves_every_operation_of_the_contract(prism):
    assert prism.operations == set(OPERATIONS.values())


def test_every_operation_is_driven_by_a_flow_or_waits_for_its_page():
    driven = set().union(*(flow.sends for flow in FLOWS))
    assert driven | NOT_SENT_YET == set(OPERATIONS) and not driven & NOT_SENT_YET
