import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from albums.crypto import secret_decrypt, secret_encrypt
from albums.models import BulkJob, Connection
from tests.factories import AlbumRecordFactory, ConnectionFactory

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_every_secret_under_the_first_key(settings):
    old_keys = list(settings.AW_TOKEN_KEYS)
    connection = ConnectionFactory(refresh_token_encrypted=secret_encrypt("refresh-1"))
    record = AlbumRecordFactory(pin_number_encrypted=secret_encrypt("ab12"))
    job = BulkJob.objects.create(
        created_by=record.created_by, acting_aw_user_id=200001, submission_key=record.submission_key,
        name="Bulk", pin_number_encrypted=secret_encrypt("cd34"),
    )
    new_key = Fernet.generate_key().decode()
    settings.AW_TOKEN_KEYS = [new_key, *old_keys]

    out = io.StringIO()
    call_command("rotate_token_keys", stdout=out)

    settings.AW_TOKEN_KEYS = [new_key]  # the old keys can now be dropped
    connection.refresh_from_db()
    record.refresh_from_db()
    assert secret_decrypt(connection.access_token_encrypted) == "demo-member-token"
    assert secret_decrypt(connection.refresh_token_encrypted) == "refresh-1"
    assert secret_decrypt(record.pin_number_encrypted) == "ab12"
    job.refresh_from_db()
    assert secret_decrypt(job.pin_number_encrypted) == "cd34"
    assert "connections: 1 re-encrypted" in out.getvalue()


def test_a_secret_no_key_can_read_stops_the_rotation_and_changes_nothing(settings):
    ConnectionFactory()
    unreadable = ConnectionFactory()
    Connection.objects.filter(pk=unreadable.pk).update(access_token_encrypted=Fernet(Fernet.generate_key()).encrypt(b"lost").decode())
    before = list(Connection.objects.order_by("pk").values_list("access_token_encrypted", flat=True))

    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_token_keys", stdout=io.StringIO())

    assert list(Connection.objects.order_by("pk").values_list("access_token_encrypted", flat=True)) == before
