"""Background tasks, run by `manage.py db_worker`. They are handed ids, never objects."""

from django_tasks import task

from .services.bulk import bulk_job_run


@task()
def bulk_job_run_task(job_id: int) -> None:
    bulk_job_run(job_id=job_id)


@task()
def picture_upload_send_task(upload_id: int) -> None:
    from .services.picture_sending import picture_upload_send

    picture_upload_send(upload_id=upload_id)
