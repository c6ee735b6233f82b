"""Queue a runner for every bulk job whose workers all died, so that it finishes (run it on a timer)."""

from django.core.management.base import BaseCommand

from albums.services.bulk_worker import bulk_jobs_abandoned_resume


class Command(BaseCommand):
    help = "Queue a runner for each running bulk job that no worker works on any more."

    def handle(self, *args, **options):
        self.stdout.write(f"Queued a runner for {bulk_jobs_abandoned_resume()} abandoned bulk job(s).")
