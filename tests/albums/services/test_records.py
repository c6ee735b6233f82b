import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from albums import adultwork as aw
from albums.models import AlbumRecord
from albums.services.records import album_record_claim, album_record_mark_answered
from tests.factories import AlbumInputFactory, ConnectionFactory

pytestmark = pytest.mark.django_db


def test_an_answer_writes_its_outcome_and_leaves_the_definition_as_the_claim_wrote_it():
    own = ConnectionFactory()
    record, claimed = album_record_claim(
        user=own.user, submission_key=uuid.uuid4(), connection=own, member=None, album=AlbumInputFactory(name="Sent")
    )
    AlbumRecord.objects.filter(pk=record.pk).update(description="written elsewhere meanwhile")
    answer = aw.PictureAlbum(
        user_id=own.aw_user_id, album_id=5123, album_name="Sent", album_description="", album_size=0,
        sequence=3, thumb_url=None, picture_ids=None,
    )

    with CaptureQueriesContext(connection) as queries:
        album_record_mark_answered(record=record, album=answer)

    record.refresh_from_db()
    assert claimed and record.status == AlbumRecord.Status.CREATED and record.album_id == 5123 and record.sequence == 3
    assert record.description == "written elsewhere meanwhile"
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"name"' not in update.split(" WHERE ")[0]
