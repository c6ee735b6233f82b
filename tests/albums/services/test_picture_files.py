"""Pictures waiting to be sent: stored under random names, read back, deleted, pruned when abandoned."""

import io
import os
import stat
import time

import pytest
from django.core.management import call_command
from PIL import Image

from albums.services.picture_files import (
    PicturesRefused,
    UnknownPictureFile,
    picture_batch_create,
    picture_batch_delete,
    picture_batch_prepare,
    picture_batches_prune,
    picture_file_read,
    picture_file_save,
)
from harness.pictures import tagged_jpeg


def test_a_picture_is_kept_under_a_random_name_readable_by_the_portal_alone(settings):
    batch = picture_batch_create()
    picture = picture_file_save(batch_id=batch, jpeg=b"\xff\xd8jpeg\xff\xd9")

    assert picture_file_read(batch_id=batch, picture_id=picture) == b"\xff\xd8jpeg\xff\xd9"
    path = settings.AW_PICTURE_DIR / batch / f"{picture}.jpg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(batch) == len(picture) == 32 and batch != picture


def test_deleting_a_batch_removes_its_pictures_and_may_be_repeated(settings):
    batch = picture_batch_create()
    picture = picture_file_save(batch_id=batch, jpeg=b"x")

    picture_batch_delete(batch_id=batch)
    picture_batch_delete(batch_id=batch)

    assert not (settings.AW_PICTURE_DIR / batch).exists()
    with pytest.raises(UnknownPictureFile):
        picture_file_read(batch_id=batch, picture_id=picture)
    with pytest.raises(UnknownPictureFile):
        picture_file_save(batch_id=batch, jpeg=b"x")


@pytest.mark.parametrize("hostile", ["../../etc", "..", "/etc/passwd", "A" * 32, "", "0" * 31 + "/"])
def test_ids_that_are_not_ours_never_become_paths(hostile):
    batch = picture_batch_create()
    with pytest.raises(UnknownPictureFile):
        picture_file_read(batch_id=hostile, picture_id="0" * 32)
    with pytest.raises(UnknownPictureFile):
        picture_file_read(batch_id=batch, picture_id=hostile)
    with pytest.raises(UnknownPictureFile):
        picture_batch_delete(batch_id=hostile)


def test_prune_deletes_only_batches_older_than_the_abandon_time(settings):
    old, fresh = picture_batch_create(), picture_batch_create()
    picture_file_save(batch_id=old, jpeg=b"x")
    day_ago = time.time() - 86_400
    os.utime(settings.AW_PICTURE_DIR / old, (day_ago, day_ago))
    stranger = settings.AW_PICTURE_DIR / "not-a-batch"
    stranger.mkdir()
    os.utime(stranger, (day_ago, day_ago))

    assert picture_batches_prune(older_than_seconds=3600) == 1

    assert sorted(p.name for p in settings.AW_PICTURE_DIR.iterdir()) == sorted([fresh, "not-a-batch"])


def test_the_prune_command_uses_the_abandon_setting(settings, capsys):
    settings.AW_PICTURE_ABANDON_SECONDS = 60
    batch = picture_batch_create()
    minutes_ago = time.time() - 120
    os.utime(settings.AW_PICTURE_DIR / batch, (minutes_ago, minutes_ago))

    call_command("prune_pictures")

    assert not (settings.AW_PICTURE_DIR / batch).exists()
    assert "1 abandoned picture batch(es) deleted" in capsys.readouterr().out


def _uploads(tmp_path, named: dict[str, bytes]) -> list[tuple]:
    uploads = []
    for name, data in named.items():
        path = tmp_path / f"upload-{len(uploads)}"
        path.write_bytes(data)
        uploads.append((path, name))
    return uploads


def test_a_batch_of_uploads_is_kept_prepared_in_upload_order(settings, tmp_path):
    uploads = _uploads(tmp_path, {"a.jpg": tagged_jpeg(orientation=6), "b.jpg": tagged_jpeg(orientation=1)})

    batch, pictures = picture_batch_prepare(uploads=uploads)

    sizes = [Image.open(io.BytesIO(picture_file_read(batch_id=batch, picture_id=p))).size for p in pictures]
    assert sizes == [(40, 60), (60, 40)]
    for picture in pictures:
        assert b"Exif" not in picture_file_read(batch_id=batch, picture_id=picture)


def test_every_refused_upload_is_named_and_nothing_is_kept(settings, tmp_path):
    uploads = _uploads(
        tmp_path, {"good.jpg": tagged_jpeg(), "fake.jpg": b"GIF89a", "fine.jpg": tagged_jpeg(), "cut.jpg": tagged_jpeg()[:300]}
    )

    with pytest.raises(PicturesRefused) as refused:
        picture_batch_prepare(uploads=uploads)

    assert [r.file_name for r in refused.value.refusals] == ["fake.jpg", "cut.jpg"]
    assert list(settings.AW_PICTURE_DIR.iterdir()) == []
