"""Background tasks, run by `manage.py db_worker`. They are handed ids, never objects."""

from django_tasks import task

from .services.bulk import bulk_job_run
from .services.members import member_roster_load


@task()
def bulk_job_run_task(job_id: int) -> None:
    bulk_job_run(job_id=job_id)


@task()
def member_roster_load_task(connection_id: int) -> None:
    member_roster_load(connection_id=connection_id)
