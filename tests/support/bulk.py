"""Reading what a bulk job did: at the stand-in, and on the job's progress."""

from albums.selectors import bulk_job_progress

GROUP_CREATE = "groups/pictures/createalbum"


def sent_user_ids(standin) -> list[int]:
    """The UserIDs of every CreateAlbum the stand-in received for group members, in order."""
    return [r["json"]["UserID"] for r in standin.requests(GROUP_CREATE)]


def outcomes(job) -> dict[int, str]:
    return {o.item.aw_user_id: o.outcome for o in bulk_job_progress(job=job).items}
