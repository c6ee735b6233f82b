"""Re-encrypt every stored secret under the first of AW_TOKEN_KEYS, so older keys can be retired."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from albums.crypto import SecretDecryptionError, secret_rotate
from albums.models import AlbumRecord, BulkJob, Connection

# (model, encrypted fields): every place a secret is kept.
ENCRYPTED = [
    (Connection, ["access_token_encrypted", "refresh_token_encrypted"]),
    (AlbumRecord, ["pin_number_encrypted"]),
    (BulkJob, ["pin_number_encrypted"]),
]


class Command(BaseCommand):
    help = "Re-encrypt tokens and PINs with the first AW_TOKEN_KEYS key. Run it, then drop the old keys."

    @transaction.atomic  # all or nothing: a secret no key can read stops the whole rotation
    def handle(self, *args, **options):
        for model, fields in ENCRYPTED:
            rotated = 0
            for row in model.objects.select_for_update().only("pk", *fields).iterator(chunk_size=500):
                try:
                    for name in fields:
                        if getattr(row, name):
                            setattr(row, name, secret_rotate(getattr(row, name)))
                except SecretDecryptionError:
                    raise CommandError(
                        f"{model._meta.verbose_name} {row.pk} cannot be decrypted with any key in "
                        "AW_TOKEN_KEYS; nothing was changed. Add the missing old key and run again."
                    ) from None
                row.save(update_fields=fields)
                rotated += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {rotated} re-encrypted")
