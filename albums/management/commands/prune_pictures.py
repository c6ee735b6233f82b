"""Delete pictures left waiting longer than AW_PICTURE_ABANDON_SECONDS: their job was abandoned.

Run it periodically (a systemd timer or cron, like prune_db_task_results), on every machine that
keeps AW_PICTURE_DIR, or on the one that does when it is shared.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from albums.services.picture_files import picture_batches_prune


class Command(BaseCommand):
    help = "Delete uploaded pictures still waiting to be sent after AW_PICTURE_ABANDON_SECONDS."

    def handle(self, *args, **options):
        pruned = picture_batches_prune(older_than_seconds=settings.AW_PICTURE_ABANDON_SECONDS)
        self.stdout.write(f"{pruned} abandoned picture batch(es) deleted")
