"""Add pictures through the pages: chosen on the page, checked and prepared, titled per picture, or discarded."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from albums import adultwork as aw
from albums.models import PictureUpload
from albums.services.picture_files import UnknownPictureFile, picture_file_read
from harness.pictures import CAMERA_SERIAL, jpeg_segments, tagged_jpeg
from tests.factories import FIRST_GROUP_MEMBER_ID, UserFactory
from tests.support.tasks import DATABASE_TASKS

pytestmark = pytest.mark.django_db

SEEDED = 5000001
ADD = reverse("picture_upload_create", args=[SEEDED])


def jpeg(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tagged_jpeg(), content_type="image/jpeg")


def submission_key(response) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def upload(client, *files, url=ADD, **fields):
    key = submission_key(client.get(url))
    return client.post(url, {"submission_key": key, "title": "Beach", "description": "Day out", "pictures": list(files), **fields})


def test_the_page_names_the_album_and_says_location_and_camera_data_go(signed_in):
    page = signed_in.get(ADD).content.decode()
    assert "Add pictures to “Holiday 2026”" in page
    assert "Location and camera data are removed" in page
    assert 'type="file" name="pictures"' in page and "multiple" in page


def test_pictures_are_kept_re_encoded_without_metadata_until_sent(signed_in, standin):
    response = upload(signed_in, jpeg("one.jpg"), jpeg("two.jpg"), jpeg("three.jpg"))

    upload_ = PictureUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == upload_.get_absolute_url()
    assert (upload_.status, upload_.album_id, upload_.album_name, upload_.aw_user_id) == ("draft", SEEDED, "Holiday 2026", 100001)
    pictures = list(upload_.pictures.order_by("position"))
    assert [(p.file_name, p.title, p.description) for p in pictures] == [(n, "Beach", "Day out") for n in ("one.jpg", "two.jpg", "three.jpg")]
    kept = picture_file_read(batch_id=upload_.batch_id, picture_id=pictures[0].file_id)
    assert {name for name, _ in jpeg_segments(kept)} <= {"APP0", "DQT", "DHT", "SOF0", "SOS"}
    assert CAMERA_SERIAL.encode() not in kept and len(kept) == pictures[0].size_bytes
    assert standin.requests("addpictures") == []  # nothing is sent before the user says so


def test_one_refused_picture_refuses_the_upload_by_name_and_keeps_nothing(signed_in, settings):
    response = upload(signed_in, jpeg("fine.jpg"), SimpleUploadedFile("notes.txt", b"hello"), SimpleUploadedFile("broken.jpg", tagged_jpeg()[:200]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "notes.txt: this is not a JPEG, PNG, WebP or HEIC picture" in page
    assert "broken.jpg: the picture is damaged or incomplete" in page
    assert "2 pictures cannot be added, so none was kept or sent." in page
    assert 'value="Beach"' in page  # what was typed is kept
    assert not PictureUpload.objects.exists()
    assert not settings.AW_PICTURE_DIR.exists() or not any(settings.AW_PICTURE_DIR.iterdir())


def test_a_file_over_the_size_limit_is_named(signed_in, settings):
    settings.AW_PICTURE_MAX_FILE_BYTES = 1000
    page = upload(signed_in, jpeg("big.jpg")).content.decode()
    assert "big.jpg: the file is larger than" in page
    assert not PictureUpload.objects.exists()


def test_no_picture_chosen_is_asked_for(signed_in):
    assert "Choose at least one picture." in upload(signed_in).content.decode()


def test_the_same_form_sent_twice_keeps_one_upload(signed_in):
    key = submission_key(signed_in.get(ADD))
    for _ in range(2):
        signed_in.post(ADD, {"submission_key": key, "pictures": [jpeg("one.jpg")]})
    assert PictureUpload.objects.count() == 1


def test_an_album_not_on_adultwork_cannot_take_pictures(signed_in):
    response = signed_in.get(reverse("picture_upload_create", args=[999]))
    assert response.status_code == 404
    assert "AdultWork lists no album 999 for this account" in response.content.decode()


def test_each_picture_s_title_can_be_changed_before_sending(signed_in, standin, settings, django_capture_on_commit_callbacks):
    upload(signed_in, jpeg("one.jpg"), jpeg("two.jpg"))
    upload_ = PictureUpload.objects.get()
    first, second = upload_.pictures.order_by("position")
    page = signed_in.get(upload_.get_absolute_url()).content.decode()
    assert "one.jpg" in page and "two.jpg" in page and "Send 2 pictures" in page

    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(upload_.get_absolute_url(), {
            f"p{first.pk}-title": "Sunset", f"p{first.pk}-description": "",
            f"p{second.pk}-title": "Beach", f"p{second.pk}-description": "Day out",
        })
    first.refresh_from_db()
    upload_.refresh_from_db()
    assert (first.title, first.description, upload_.status) == ("Sunset", "", "queued")
    [queued] = DBTaskResult.objects.all()
    assert (queued.task_path, queued.args_kwargs["kwargs"]) == ("albums.tasks.picture_upload_send_task", {"upload_id": upload_.pk})
    signed_in.post(upload_.get_absolute_url(), {f"p{first.pk}-title": "Again", f"p{second.pk}-title": ""})
    assert DBTaskResult.objects.count() == 1  # sent twice, queued once


def test_discarding_deletes_the_pictures_and_sends_nothing(signed_in, standin):
    upload(signed_in, jpeg("one.jpg"))
    upload_ = PictureUpload.objects.get()
    signed_in.post(reverse("picture_upload_discard", args=[upload_.pk]))
    upload_.refresh_from_db()
    assert upload_.status == "discarded"
    with pytest.raises(UnknownPictureFile):
        picture_file_read(batch_id=upload_.batch_id, picture_id=upload_.pictures.get().file_id)


def test_someone_else_s_upload_is_not_found(client, signed_in):
    upload(signed_in, jpeg("one.jpg"))
    client.force_login(UserFactory())
    assert client.get(PictureUpload.objects.get().get_absolute_url()).status_code == 404


def test_staff_add_pictures_to_a_member_s_album(client, staff, standin):
    album = aw.AdultWorkClient(base_url=standin.url, access_token="demo-manager-token").album_create(
        album=aw.AlbumInput(name="For 1"), member_id=FIRST_GROUP_MEMBER_ID
    )
    client.force_login(staff)
    url = reverse("picture_upload_create", args=[album.album_id]) + f"?member={FIRST_GROUP_MEMBER_ID}"
    upload(client, jpeg("one.jpg"), url=url)
    upload_ = PictureUpload.objects.get()
    assert (upload_.for_member, upload_.aw_user_id, upload_.member_nickname) == (True, FIRST_GROUP_MEMBER_ID, "member001")


def test_a_photo_with_gps_reaches_adultwork_with_none_through_the_pages(signed_in, standin, django_capture_on_commit_callbacks):
    upload(signed_in, jpeg("at-home.jpg"))
    upload_ = PictureUpload.objects.get()
    picture = upload_.pictures.get()

    # Send: the test settings' task backend runs the worker's part as soon as the queue commits.
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(upload_.get_absolute_url(), {f"p{picture.pk}-title": "Beach", f"p{picture.pk}-description": ""})

    [arrived] = standin.pictures(SEEDED, image=True)
    assert arrived["Title"] == "Beach"
    assert set(arrived["Segments"]) <= {"SOI", "APP0", "DQT", "DHT", "SOF0", "SOS"}  # no APP1 (EXIF, XMP), APP13, COM
    image = base64.b64decode(arrived["Image"])
    assert CAMERA_SERIAL.encode() not in image and b"GPS" not in image and b"Exif" not in image
    page = signed_in.get(upload_.get_absolute_url()).content.decode()
    assert 'value="1">1 of 1</progress>' in page and "Finished" in page
    assert signed_in.get(reverse("picture_upload_progress", args=[upload_.pk])).json()["sent"] == 1


def test_each_batch_s_record_names_its_pictures_and_sizes_never_their_data(signed_in, standin, django_capture_on_commit_callbacks):
    upload(signed_in, jpeg("one.jpg"), jpeg("two.jpg"))
    upload_ = PictureUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(upload_.get_absolute_url(), {})
    record = upload_.records.get()

    page = signed_in.get(record.get_absolute_url()).content.decode()

    assert "Add pictures: Holiday 2026" in page and "one.jpg" in page and "two.jpg" in page
    assert "KB JPEG" in page or "bytes JPEG" in page
    assert "base64" not in page and "/9j/" not in page
    assert record.picture_ids and record.picture_ids in page
