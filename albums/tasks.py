"""Background tasks, run by `manage.py db_worker`. They are handed ids, never objects."""

from django_tasks import task


@task()
def bulk_job_run_task(job_id: int) -> None:
    # Imported here, not at the top: services.bulk enqueues this task, so the import points one way.
    from .services.bulk_worker import bulk_job_run

    bulk_job_run(job_id=job_id)


@task()
def member_roster_load_task(connection_id: int) -> None:
    from .services.members import member_roster_load  # as above

    member_roster_load(connection_id=connection_id)


@task()
def picture_upload_send_task(upload_id: int) -> None:
    from .services.picture_sending import picture_upload_send

    picture_upload_send(upload_id=upload_id)
