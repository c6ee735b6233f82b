"""Sending an upload's pictures in batches against the stand-in: each picture once, whatever happens."""

import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from albums import adultwork as aw
from albums.errors import PortalError
from albums.models import AlbumRecord, PictureUpload
from albums.services import picture_sending
from albums.services.gallery import gallery_album_get
from albums.services.picture_sending import picture_upload_resume, picture_upload_send
from albums.services.picture_uploads import PictureChoice, picture_upload_create, picture_upload_queue
from albums.services.reconcile import album_record_check
from harness.pictures import tagged_jpeg
from tests.factories import FIRST_GROUP_MEMBER_ID

pytestmark = pytest.mark.django_db

SEEDED = 5000001
Status = AlbumRecord.Status


@pytest.fixture
def upload_of(tmp_path, django_capture_on_commit_callbacks, settings):
    settings.AW_PICTURE_BATCH_SIZE = 2

    def make(user, count=3, album_id=SEEDED, member_user_id=None) -> PictureUpload:
        choices = []
        for n in range(count):
            path = Path(tmp_path) / f"upload-{uuid.uuid4().hex}"
            path.write_bytes(tagged_jpeg())
            choices.append(PictureChoice(path=str(path), file_name=f"photo{n}.jpg"))
        found = gallery_album_get(user=user, album_id=album_id, member_user_id=member_user_id)
        upload = picture_upload_create(
            user=user, found=found, choices=choices, title="Beach", description="", submission_key=uuid.uuid4()
        )
        for n, picture in enumerate(upload.pictures.order_by("position")):
            picture.title = f"Picture {n}"
            picture.save()
        # Queued as the page does; the test runs the worker's part itself.
        with django_capture_on_commit_callbacks(execute=False):
            picture_upload_queue(upload=upload, details={})
        return upload

    return make


def titles_at_adultwork(standin, album_id=SEEDED) -> Counter:
    return Counter(picture["Title"] for picture in standin.pictures(album_id))


def test_pictures_go_in_batches_each_an_operation_and_once(connected_user, standin, upload_of):
    upload = upload_of(connected_user, count=3)

    picture_upload_send(upload_id=upload.pk)

    upload.refresh_from_db()
    records = list(upload.records.order_by("pk"))
    assert upload.status == "finished" and upload.error_message == ""
    assert [(r.kind, r.status, r.pictures.count()) for r in records] == [("add_pictures", Status.CREATED, 2), ("add_pictures", Status.CREATED, 1)]
    assert titles_at_adultwork(standin) == Counter({"Picture 0": 1, "Picture 1": 1, "Picture 2": 1})
    ids = sorted(p.picture_id for p in upload.pictures.all())
    assert ids == sorted(picture["PictureID"] for picture in standin.pictures(SEEDED))
    assert not (settings.AW_PICTURE_DIR / upload.batch_id).exists()  # files live only until sent


def test_a_rate_limit_pauses_and_sends_the_batch_again(connected_user, standin, upload_of):
    standin.fault("rate_limit", match="addpictures", times=1, retry_after=0)
    upload = upload_of(connected_user, count=2)

    picture_upload_send(upload_id=upload.pk)

    assert titles_at_adultwork(standin) == Counter({"Picture 0": 1, "Picture 1": 1})
    assert len(standin.requests("addpictures")) == 2 and upload.records.get().status == Status.CREATED


def test_a_worker_that_dies_mid_upload_sends_no_picture_twice(connected_user, standin, upload_of, monkeypatch):
    upload = upload_of(connected_user, count=5)
    real_finish = picture_sending.album_attempt_finish
    calls = []

    def dies_on_the_second_answer(attempt, outcome):
        calls.append(outcome)
        if len(calls) == 2:  # AdultWork added the pictures; the worker dies before recording it
            raise SystemExit("worker killed")
        return real_finish(attempt, outcome)

    monkeypatch.setattr(picture_sending, "album_attempt_finish", dies_on_the_second_answer)
    with pytest.raises(SystemExit):
        picture_upload_send(upload_id=upload.pk)
    monkeypatch.setattr(picture_sending, "album_attempt_finish", real_finish)
    # As a killed process leaves it: running, its second batch claimed and pending.
    PictureUpload.objects.filter(pk=upload.pk).update(status="running", updated_at=timezone.now() - timedelta(hours=1))
    assert upload.records.filter(status=Status.PENDING).count() == 1

    upload.refresh_from_db()
    with_commit_now(picture_upload_resume, upload=upload)
    picture_upload_send(upload_id=upload.pk)

    assert titles_at_adultwork(standin) == Counter({f"Picture {n}": 1 for n in range(5)})
    assert [r.status for r in upload.records.order_by("pk")] == [Status.CREATED] * 3
    assert "worker stopped" in upload.records.order_by("pk")[1].error_message


def test_a_lost_batch_is_never_sent_again_until_absence_is_proven(connected_user, standin, upload_of):
    standin.fault("error", status=500, match="addpictures", times=1)  # not processed, answer unclear
    upload = upload_of(connected_user, count=3)

    picture_upload_send(upload_id=upload.pk)

    upload.refresh_from_db()
    lost = upload.records.get()
    assert lost.status == Status.UNKNOWN and "We cannot tell whether AdultWork did it" in upload.error_message
    assert standin.pictures(SEEDED) == [] and len(standin.requests("addpictures")) == 1

    with_commit_now(picture_upload_resume, upload=upload)
    picture_upload_send(upload_id=upload.pk)  # checks again, too early to prove anything: sends nothing
    assert len(standin.requests("addpictures")) == 1

    lost.completed_at -= timedelta(seconds=settings.AW_OUTCOME_SETTLE_SECONDS + 60)
    lost.save(update_fields=["completed_at"])
    assert album_record_check(user=connected_user, record=lost).record.status == Status.FAILED
    with_commit_now(picture_upload_resume, upload=upload)
    picture_upload_send(upload_id=upload.pk)

    assert titles_at_adultwork(standin) == Counter({f"Picture {n}": 1 for n in range(3)})


def test_staff_send_pictures_to_a_member_s_album(staff, standin, upload_of):
    from albums.services.albums import album_create

    member = FIRST_GROUP_MEMBER_ID
    album = album_create(user=staff, member_user_id=member, album=aw.AlbumInput(name="For 1"), submission_key=uuid.uuid4())
    upload = upload_of(staff, count=1, album_id=album.album_id, member_user_id=member)

    picture_upload_send(upload_id=upload.pk)

    assert standin.requests("addpictures")[-1]["path"] == "/v1/Groups/Pictures/AddPictures"
    assert [p["UserID"] for p in standin.pictures(album.album_id)] == [member]


def test_an_upload_sent_already_is_not_resumed_while_running(connected_user, standin, upload_of):
    upload = upload_of(connected_user, count=1)
    PictureUpload.objects.filter(pk=upload.pk).update(status="running")
    upload.refresh_from_db()
    with pytest.raises(PortalError, match="being sent right now"):
        picture_upload_resume(upload=upload)


def with_commit_now(function, **kwargs):
    """Run a service that queues the worker on commit, without queuing it: the test runs the worker."""
    from django.db import transaction

    with transaction.atomic():
        function(**kwargs)
