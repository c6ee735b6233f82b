"""Bulk jobs against the stand-in over real HTTP: every member accounted for, none sent twice."""

import logging
import re
import uuid
from collections import Counter
from decimal import Decimal

import pytest

from albums import adultwork as aw
from albums.crypto import secret_decrypt
from albums.errors import PortalError
from albums.forms import pin_guessable_reason
from albums.models import AlbumRecord, BulkJob
from albums.selectors import bulk_job_list, bulk_job_pins, bulk_job_progress
from albums.services import bulk_worker
from albums.services.bulk import (
    PlannedAlbum,
    bulk_job_cancel,
    bulk_job_create,
    bulk_job_plan_save,
    bulk_job_retry,
    bulk_job_start,
)
from tests.factories import FIRST_GROUP_MEMBER_ID, AlbumInputFactory, roster
from tests.support.bulk import GROUP_CREATE, outcomes, sent_user_ids

pytestmark = pytest.mark.django_db


def test_one_album_per_member_each_its_own_record(manager, agency, standin, queue):
    job = queue(manager, agency, [300001, 300002, 300003], description="For all")

    assert job.status == BulkJob.Status.FINISHED
    assert outcomes(job) == {300001: "created", 300002: "created", 300003: "created"}
    records = AlbumRecord.objects.filter(bulk_job=job)
    assert sorted(r.aw_user_id for r in records) == [300001, 300002, 300003]
    assert {(r.acting_aw_user_id, r.connection_id, r.for_member, r.created_by_id) for r in records} == {
        (200001, agency.pk, True, manager.pk)
    }
    for user_id in (300001, 300002, 300003):
        assert [a["AlbumName"] for a in standin.albums(user_id)] == ["Spring"]
    assert {r["headers"]["Authorization"] for r in standin.requests(GROUP_CREATE)} == {"Bearer demo-manager-token"}


def test_all_members_means_every_current_member(manager, agency, standin, queue):
    agency.members.filter(aw_user_id=300005).update(is_stale=True)
    job = queue(manager, agency, None)
    assert sorted(sent_user_ids(standin)) == [u for u in range(300001, 300011) if u != 300005]
    assert job.member_count == 9


def test_a_member_not_on_the_roster_refuses_the_whole_job_before_anything_is_queued(manager, agency, standin, queue):
    with pytest.raises(PortalError, match="400001"):
        queue(manager, agency, [300001, 400001])
    assert not BulkJob.objects.exists()
    assert standin.requests() == []


def test_the_same_submission_queues_one_job(manager, agency, standin, queue):
    key = uuid.uuid4()
    first = queue(manager, agency, [300001], submission_key=key)
    again = queue(manager, agency, [300001, 300002], submission_key=key)
    assert again.pk == first.pk
    assert sent_user_ids(standin) == [300001]


def test_the_pin_travels_encrypted_and_reaches_every_member(manager, agency, standin, queue):
    job = queue(manager, agency, [300001, 300002], pin_number="q9Z4", pin_price=Decimal("1.573"))
    assert "q9Z4" not in job.pin_number_encrypted
    assert {(r["json"]["PinNumber"], r["body"].count("1.573")) for r in standin.requests(GROUP_CREATE)} == {("q9Z4", 1)}


def test_fifty_members_under_throttling_and_errors_are_each_accounted_for_and_never_created_twice(
    manager, agency, standin, queue, retry, settings
):
    settings.AW_BULK_CONCURRENCY = 4
    members = range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + 50)
    roster(agency, members)
    standin.fault("rate_limit", match=GROUP_CREATE, every=6, times=5, retry_after=1)
    standin.fault("error", status=500, match=GROUP_CREATE, every=9)  # a 500 that stored nothing: unknown
    standin.fault("html", status=502, match=GROUP_CREATE, every=10, process=True)  # stored, then a proxy's 502
    standin.fault("html", status=503, match=GROUP_CREATE, every=7)  # refused before storing: failed

    job = queue(manager, agency, list(members))

    found = outcomes(job)
    assert set(found) == set(members)
    counts = Counter(found.values())
    assert set(counts) == {"created", "failed", "unknown"}, counts
    progress = bulk_job_progress(job=job)
    assert progress.done == progress.total == 50
    albums = Counter(a["UserID"] for a in standin.albums() if a["UserID"] in found)
    assert max(albums.values()) == 1
    created = {u for u, outcome in found.items() if outcome == "created"}
    # Albums stored behind a 502 were found by the check that follows an unknown outcome.
    assert created == set(albums)
    assert AlbumRecord.objects.filter(bulk_job=job, status="created", checked_at__isnull=False).exists()

    # Retrying sends to the failed members only, never to those whose outcome is unknown.
    failed = {u for u, outcome in found.items() if outcome == "failed"}
    unknown = {u for u, outcome in found.items() if outcome == "unknown"}
    standin.clear_faults()
    sent_before = len(sent_user_ids(standin))

    assert retry(job) == len(failed)

    again = sent_user_ids(standin)[sent_before:]
    assert sorted(again) == sorted(failed)
    found = outcomes(job)
    assert {u for u, o in found.items() if o == "created"} == created | failed
    assert {u for u, o in found.items() if o == "unknown"} == unknown
    assert max(Counter(a["UserID"] for a in standin.albums() if a["UserID"] in found).values()) == 1


def test_a_member_who_left_before_the_job_ran_is_not_sent(manager, agency, standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        job = bulk_job_create(user=manager, connection=agency, member_user_ids=[300001, 300002], album=AlbumInputFactory(name="x"), submission_key=uuid.uuid4())
    agency.members.filter(aw_user_id=300002).update(is_stale=True)
    for callback in queued:
        callback()

    assert sent_user_ids(standin) == [300001]
    progress = bulk_job_progress(job=job)
    [left] = [o for o in progress.items if o.item.aw_user_id == 300002]
    assert left.outcome == "failed" and "may not create albums" in left.message


def test_a_revoked_grant_stops_a_queued_job_from_sending(staff, agency, standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        job = bulk_job_create(user=staff, connection=agency, member_user_ids=[300001], album=AlbumInputFactory(name="x"), submission_key=uuid.uuid4())
    agency.grants.filter(user=staff).delete()
    for callback in queued:
        callback()
    assert standin.requests() == []
    assert outcomes(job) == {300001: "failed"}


def test_a_connection_that_cannot_give_a_token_fails_every_member_without_sending(manager, agency, standin, queue):
    agency.status = agency.Status.NEEDS_RECONNECT
    agency.save()
    job = queue(manager, agency, [300001, 300002])
    assert outcomes(job) == {300001: "failed", 300002: "failed"}
    assert standin.requests() == []


def test_retry_refuses_a_job_that_is_still_running(manager, agency, queue):
    job = queue(manager, agency, [300001])
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.RUNNING)
    with pytest.raises(PortalError, match="still running"):
        bulk_job_retry(job=job)


def test_retry_with_nothing_failed_sends_nothing(manager, agency, standin, queue, retry):
    job = queue(manager, agency, [300001])
    with pytest.raises(PortalError, match="nothing to retry"):
        retry(job)
    job.refresh_from_db()
    assert job.status == BulkJob.Status.FINISHED
    assert sent_user_ids(standin) == [300001]




# --- PINs: one for all, one of their own for each member, or none ----------------------------------


def sent_pins(standin) -> dict[int, str | None]:
    return {r["json"]["UserID"]: r["json"].get("PinNumber") for r in standin.requests(GROUP_CREATE)}


def test_each_member_gets_a_generated_pin_of_their_own_never_guessable_never_repeated(manager, agency, standin, queue):
    job = queue(manager, agency, None, pin_mode=BulkJob.PinMode.EACH, pin_price=Decimal("2.5"))

    pins = sent_pins(standin)
    assert len(pins) == 10 and len(set(pins.values())) == 10
    assert all(re.fullmatch(r"[A-Za-z0-9]{4}", pin) and pin_guessable_reason(pin) is None for pin in pins.values())
    assert {r["json"]["PINPrice"] for r in standin.requests(GROUP_CREATE)} == {2.5}
    # Kept only encrypted, each on its member's item and record; the job itself holds none.
    assert job.pin_number_encrypted == ""
    for item in job.items.select_related("record"):
        assert pins[item.aw_user_id] not in item.pin_number_encrypted
        assert secret_decrypt(item.record.pin_number_encrypted) == pins[item.aw_user_id]
    assert {p.aw_user_id: p.pin for p in bulk_job_pins(job=job)} == pins


def test_one_pin_for_all_and_no_pin(manager, agency, standin, queue):
    queue(manager, agency, [300001, 300002], pin_mode=BulkJob.PinMode.SAME, pin_number="q9Z4", pin_price=Decimal("1"))
    queue(manager, agency, [300003], pin_mode=BulkJob.PinMode.NONE, pin_number="ignored", pin_price=Decimal("1"))
    assert sent_pins(standin) == {300001: "q9Z4", 300002: "q9Z4", 300003: None}


def test_generated_pins_need_a_price(manager, agency, standin, queue):
    with pytest.raises(PortalError, match="needs a PIN price"):
        queue(manager, agency, [300001], pin_mode=BulkJob.PinMode.EACH)
    assert not BulkJob.objects.exists()


def test_generated_pins_never_reach_the_logs(manager, agency, standin, queue, caplog):
    caplog.set_level(logging.DEBUG)
    job = queue(manager, agency, [300001, 300002], pin_mode=BulkJob.PinMode.EACH, pin_price=Decimal("2"))
    for pin in bulk_job_pins(job=job):
        assert pin.pin not in caplog.text


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_a_queued_job_sends_nobody_and_the_members_can_be_retried(
    manager, agency, standin, django_capture_on_commit_callbacks, retry
):
    with django_capture_on_commit_callbacks() as queued:
        job = bulk_job_create(user=manager, connection=agency, member_user_ids=[300001, 300002], album=AlbumInputFactory(name="x"), submission_key=uuid.uuid4())

    assert bulk_job_cancel(job=job) == 2
    for callback in queued:
        callback()  # the workers come to it afterwards

    assert sent_user_ids(standin) == []
    assert outcomes(job) == {300001: "failed", 300002: "failed"}
    assert BulkJob.objects.get().status == BulkJob.Status.FINISHED
    assert retry(job) == 2
    assert sorted(sent_user_ids(standin)) == [300001, 300002]


def test_cancelling_mid_job_stops_sending_the_rest(manager, agency, standin, monkeypatch, settings, django_capture_on_commit_callbacks):
    settings.AW_BULK_CONCURRENCY = 1
    real_begin = bulk_worker._Runner._attempt_begin

    def cancel_after_two(runner, item, retry_of=None):
        attempt = real_begin(runner, item, retry_of)
        if item.aw_user_id == 300002:
            bulk_job_cancel(job=runner.job)  # as if someone pressed Cancel job now
        return attempt

    monkeypatch.setattr(bulk_worker._Runner, "_attempt_begin", cancel_after_two)
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_job_create(
            user=manager, connection=agency, member_user_ids=list(range(300001, 300007)), album=AlbumInputFactory(name="x"), submission_key=uuid.uuid4()
        )

    assert sent_user_ids(standin) == [300001, 300002]  # the one on its way finished; nobody after it
    assert outcomes(job) == {300001: "created", 300002: "created", **dict.fromkeys(range(300003, 300007), "failed")}
    assert "cancelled" in job.items.get(aw_user_id=300006).error_message
    job.refresh_from_db()
    assert job.status == BulkJob.Status.FINISHED and job.cancelled_at is not None


def test_a_finished_job_cannot_be_cancelled(manager, agency, queue):
    job = queue(manager, agency, [300001])
    with pytest.raises(PortalError, match="not running"):
        bulk_job_cancel(job=job)


# --- A spreadsheet's plan: a draft until started -------------------------------------------------


def test_a_checked_spreadsheet_waits_as_a_draft_until_started_and_each_member_gets_their_own_album(
    manager, staff, agency, standin, django_capture_on_commit_callbacks
):
    members = {m.aw_user_id: m for m in agency.members.filter(aw_user_id__in=[300001, 300002])}
    planned = [
        PlannedAlbum(member=members[300001], album=aw.AlbumInput(name="Beach", description="Sun", pin_number="Rk7w", pin_price=Decimal("3"))),
        PlannedAlbum(member=members[300002], album=aw.AlbumInput(name="Studio", description="")),
    ]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        draft = bulk_job_plan_save(user=manager, connection=agency, name="From plan.csv", planned=planned)
    assert queued == [] and draft.status == BulkJob.Status.DRAFT
    assert draft not in bulk_job_list(user=staff)  # a draft is its creator's alone

    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_job_start(job=draft)
        bulk_job_start(job=draft)  # pressed twice: started once

    sent = {r["json"]["UserID"]: (r["json"]["Name"], r["json"].get("PinNumber")) for r in standin.requests(GROUP_CREATE)}
    assert sent == {300001: ("Beach", "Rk7w"), 300002: ("Studio", None)}
    assert len(standin.requests(GROUP_CREATE)) == 2
    job.refresh_from_db()
    assert job.status == BulkJob.Status.FINISHED and job.pin_mode == BulkJob.PinMode.SPREADSHEET
