"""Reads. None of these call the API."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Case, CharField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from .crypto import secret_decrypt
from .models import AlbumRecord, BulkJob, BulkJobItem, Connection, Member, PictureUpload, StaffGrant
from .pagination import Cursor, SeekPage, SeekPaginator

HISTORY_PAGE_SIZE = 50
HISTORY_COUNT_CAP = 1000
# What a history row shows; the rest (descriptions, answers) stays in the database. Read as named tuples,
# not model instances: making 51 AlbumRecords (each setting its 30 fields, most deferred) cost a page
# more than reading them.
HISTORY_LIST_FIELDS = ("pk", "created_at", "kind", "name", "aw_user_id", "status", "album_id", "remote_missing_since")


def connection_get(*, user: AbstractBaseUser) -> Connection | None:
    """The user's own connection. A session's user brings it along (accounts/backends.py), read when the
    request began, so asking costs nothing; any other user object, which may have lived longer than one
    request, costs a query."""
    if _loaded_for_session(user):
        return getattr(user, "aw_connection", None)  # cached as absent: RelatedObjectDoesNotExist
    # get(), not first(): there is at most one, and first() would order by the user's name (a join).
    try:
        return Connection.objects.get(user=user)
    except Connection.DoesNotExist:
        return None


@dataclass(frozen=True)
class AlbumRecordFilters:
    """What the history is narrowed to. Dates are whole days in the portal's time zone, both included."""

    status: str = ""
    kind: str = ""
    member_id: int | None = None
    sent_by_id: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    name: str = ""
    oldest_first: bool = False

    @property
    def narrows(self) -> bool:
        """Whether any filter leaves records out (the order does not)."""
        return replace(self, oldest_first=False) != AlbumRecordFilters()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def agency_connection_ids(*, user: AbstractBaseUser) -> list[int]:
    """The pks of agency_connections_for(user), read once per user object: a page asks several times
    (the history's parts, its senders, the navigation), and the user object lives for one request."""
    if not hasattr(user, "_agency_connection_ids"):
        user._agency_connection_ids = [] if _agency_none(user) else list(
            agency_connections_for(user=user).order_by().values_list("pk", flat=True)
        )
    return user._agency_connection_ids


def _loaded_for_session(user: AbstractBaseUser) -> bool:
    return hasattr(user, "agency_granted") and get_user_model().aw_connection.is_cached(user)


def _agency_none(user: AbstractBaseUser) -> bool:
    """Whether what a session's user was loaded with (accounts/backends.py) already says they may use no
    agency's connection: no staff grant names them, and their own connection manages no group."""
    if not _loaded_for_session(user):
        return False
    own = connection_get(user=user)
    return not user.agency_granted and not (own is not None and own.manages_group)


def album_record_visible_parts(*, user: AbstractBaseUser) -> list[QuerySet[AlbumRecord]]:
    """Every record `user` may see, the one place that decides it, as parts that share no record:
    their own, then for each agency connection they may use, what others sent through it for members.

    Each part is one index range in date order (created_by or connection, then created_at), so a page
    of the history seeks within each instead of sorting everything the user may see.
    """
    own = AlbumRecord.objects.filter(created_by=user)
    through_agencies = [
        AlbumRecord.objects.filter(connection_id=pk, for_member=True).exclude(created_by=user)
        for pk in agency_connection_ids(user=user)
    ]
    return [own, *through_agencies]


def album_record_visible(*, user: AbstractBaseUser) -> QuerySet[AlbumRecord]:
    """Every record `user` may see, as one queryset (see album_record_visible_parts)."""
    return reduce(operator.or_, album_record_visible_parts(user=user))


def album_record_senders(*, user: AbstractBaseUser) -> Sequence[AbstractBaseUser]:
    """The portal users whose records `user` may see, for choosing among them: themselves, and whoever
    may use the same agency connections (their owners and staff)."""
    connections = agency_connection_ids(user=user)
    if not connections:
        return [user]
    return (
        get_user_model()
        .objects.filter(
            Q(pk=user.pk) | Q(aw_connection__in=connections) | Q(agency_grants__connection__in=connections)
        )
        .distinct()
        .order_by("username")
    )


def _filtered(records: QuerySet[AlbumRecord], filters: AlbumRecordFilters) -> QuerySet[AlbumRecord]:
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.kind:
        records = records.filter(kind=filters.kind)
    if filters.member_id is not None:
        records = records.filter(aw_user_id=filters.member_id)
    if filters.sent_by_id is not None:
        records = records.filter(created_by_id=filters.sent_by_id)
    if filters.created_from is not None:
        records = records.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to is not None:
        records = records.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    if filters.name:
        records = records.filter(name__icontains=filters.name)
    return records


def album_record_list(
    *, user: AbstractBaseUser, filters: AlbumRecordFilters = AlbumRecordFilters()
) -> QuerySet[AlbumRecord]:
    """The filtered history in one query, for reading straight through (the export); pages of it come
    from album_record_page."""
    order = ("created_at", "id") if filters.oldest_first else ("-created_at", "-id")
    return _filtered(album_record_visible(user=user), filters).order_by(*order)


def album_record_page(
    *,
    user: AbstractBaseUser,
    filters: AlbumRecordFilters = AlbumRecordFilters(),
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = HISTORY_PAGE_SIZE,
) -> SeekPage[tuple]:
    """One page of the filtered history, found by seeking, with a count that stops at a cap: its rows are
    named tuples of HISTORY_LIST_FIELDS."""
    paginator = SeekPaginator(
        parts=[
            _filtered(part, filters).values_list(*HISTORY_LIST_FIELDS, named=True)
            for part in album_record_visible_parts(user=user)
        ],
        field="created_at",
        size=size,
        descending=not filters.oldest_first,
        count_cap=HISTORY_COUNT_CAP,
    )
    return paginator.page(after=after, before=before)


def album_record_recent(*, user: AbstractBaseUser, count: int = 5) -> list[AlbumRecord]:
    """The newest records `user` may see."""
    paginator = SeekPaginator(parts=album_record_visible_parts(user=user), field="created_at", size=count)
    return paginator.first_rows()


def album_record_export_values(
    *, user: AbstractBaseUser, fields: Sequence[str], filters: AlbumRecordFilters = AlbumRecordFilters()
) -> Iterator[tuple]:
    """The filtered history as tuples of `fields`, read in chunks so any size streams in constant memory.

    `has_pin` is a field too: whether a PIN was set, without reading the encrypted PIN.
    """
    records = album_record_list(user=user, filters=filters).annotate(
        has_pin=ExpressionWrapper(~Q(pin_number_encrypted=""), output_field=BooleanField())
    )
    return records.values_list(*fields).iterator(chunk_size=2000)


# --- Acting for group members: who may act for whom is decided here and nowhere else ---------------


def staff_grants_applying() -> QuerySet[StaffGrant]:
    """Grants whose connection is still the manager account and group they were confirmed for."""
    return StaffGrant.objects.filter(
        group_id=F("connection__group_id"),
        manager_aw_user_id=F("connection__aw_user_id"),
        connection__is_group_manager=True,
    )


def agency_connections_for(*, user: AbstractBaseUser) -> QuerySet[Connection]:
    """The group managers' connections `user` may act through: their own, then those an admin granted
    them for the group the connection manages now. Only a connection whose account verifyCredentials
    called a group manager counts."""
    if not user.is_authenticated:
        return Connection.objects.none()
    granted = staff_grants_applying().filter(user=user).values("connection")
    return (
        Connection.objects.filter(Q(user=user) | Q(pk__in=granted), is_group_manager=True, group_id__isnull=False)
        .select_related("user")
        .order_by(Case(When(user=user, then=Value(0)), default=Value(1)), "group_name", "pk")
    )


def agency_connection_get(*, user: AbstractBaseUser, pk: int) -> Connection | None:
    return agency_connections_for(user=user).filter(pk=pk).first()


def members_actable(*, user: AbstractBaseUser, connection: Connection | None = None) -> QuerySet[Member]:
    """The members `user` may act for (through `connection`, when given): current members of the groups
    whose managers' connections they may use. Stale members are not among them."""
    connections = agency_connections_for(user=user)
    if connection is not None:
        connections = connections.filter(pk=connection.pk)
    return (
        Member.objects.filter(connection__in=connections, is_stale=False)
        .select_related("connection")
        .order_by(Case(When(connection__user=user, then=Value(0)), default=Value(1)), "nickname", "aw_user_id", "pk")
    )


def member_actable_by(
    *, user: AbstractBaseUser, member_user_id: int, connection: Connection | None = None
) -> Member | None:
    """The roster entry through which `user` may act for AdultWork member `member_user_id`, or None.

    When two connections the user may use manage the same member, their own connection wins.
    """
    return members_actable(user=user, connection=connection).filter(aw_user_id=member_user_id).first()


def member_search(members: QuerySet[Member], *, query: str) -> QuerySet[Member]:
    """Members whose nickname contains `query`, or whose UserID starts with it."""
    query = query.strip()
    if not query:
        return members
    matches = Q(nickname__icontains=query)
    if query.isdigit():
        members = members.annotate(user_id_text=Cast("aw_user_id", CharField()))
        matches |= Q(user_id_text__startswith=query)
    return members.filter(matches)


def member_get(*, user: AbstractBaseUser, pk: int) -> Member | None:
    """A roster entry (stale or not) of an agency the user may use."""
    return Member.objects.filter(pk=pk, connection__in=agency_connections_for(user=user)).select_related("connection").first()


def roster_loading(*, connections: Sequence[Connection]) -> bool:
    """Whether a roster of these connections is still on its way from AdultWork: never loaded, and its
    background load has not failed (a failed one says why instead)."""
    return bool(settings.AW_API_KEY) and any(
        c.roster_loaded_at is None and not c.roster_error for c in connections
    )


def member_roster(*, connection: Connection) -> QuerySet[Member]:
    """The whole roster of one connection, current members first."""
    return connection.members.order_by("is_stale", "nickname", "aw_user_id")


# --- Bulk jobs ------------------------------------------------------------------------------------


def bulk_job_list(*, user: AbstractBaseUser) -> QuerySet[BulkJob]:
    """Jobs the user may follow: their own, and those sent through agency connections they may use
    (a checked spreadsheet not started yet is its creator's alone)."""
    return (
        BulkJob.objects.filter(Q(created_by=user) | Q(connection__in=agency_connections_for(user=user)))
        .exclude(~Q(created_by=user), status=BulkJob.Status.DRAFT)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def bulk_job_get(*, user: AbstractBaseUser, pk: int) -> BulkJob | None:
    return bulk_job_list(user=user).filter(pk=pk).first()


OUTCOMES = {
    "waiting": "Waiting",
    "sending": "Sending",
    "created": "Created",
    "failed": "Failed",
    "unknown": "Outcome unknown — check before retrying",
}


@dataclass(frozen=True)
class BulkItemOutcome:
    item: BulkJobItem
    outcome: str

    @property
    def label(self) -> str:
        return OUTCOMES[self.outcome]

    @property
    def message(self) -> str:
        record = self.item.record
        return record.error_message if record is not None else self.item.error_message


@dataclass(frozen=True)
class BulkJobProgress:
    job: BulkJob
    items: list[BulkItemOutcome]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(self.counts[outcome] for outcome in ("created", "failed", "unknown"))

    @property
    def is_finished(self) -> bool:
        return self.job.status == BulkJob.Status.FINISHED

    @property
    def can_retry(self) -> bool:
        return self.is_finished and self.counts["failed"] > 0


def _outcome(item: BulkJobItem, job: BulkJob) -> str:
    if item.record is not None:
        return "sending" if item.record.status == AlbumRecord.Status.PENDING else item.record.status
    # A member closed without an attempt (cancelled, or left when the job ended) was never sent: safe to retry.
    return "failed" if item.finished_at or job.status == BulkJob.Status.FINISHED else "waiting"


def bulk_job_progress(*, job: BulkJob) -> BulkJobProgress:
    """Each member's outcome so far, and how many have each."""
    job.refresh_from_db(fields=["status", "started_at", "finished_at", "cancelled_at", "pins_shown_at"])
    items = list(job.items.select_related("record").order_by("nickname", "aw_user_id"))
    outcomes = [BulkItemOutcome(item, _outcome(item, job)) for item in items]
    counts = Counter(outcome.outcome for outcome in outcomes)
    return BulkJobProgress(job=job, items=outcomes, counts={name: counts[name] for name in OUTCOMES})


def album_definition_latest(*, aw_user_id: int, album_id: int) -> AlbumRecord | None:
    """The last create or edit of this album that AdultWork took: the name, description, PIN and price
    the portal last gave it (what an edit keeps when the user does not change them)."""
    return (
        AlbumRecord.objects.filter(
            aw_user_id=aw_user_id,
            album_id=album_id,
            kind__in=[AlbumRecord.Kind.CREATE, AlbumRecord.Kind.EDIT],
            status=AlbumRecord.Status.CREATED,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def album_operations(*, user: AbstractBaseUser, record: AlbumRecord) -> QuerySet[AlbumRecord]:
    """What was done to the album a created record made, since: its edits, pictures and removal, as the
    user may see them (newest first)."""
    if record.album_id is None:
        return AlbumRecord.objects.none()
    return (
        album_record_visible(user=user)
        .filter(aw_user_id=record.aw_user_id, album_id=record.album_id)
        .exclude(pk=record.pk)
        .order_by("-created_at", "-id")
    )


def album_record_pin(*, record: AlbumRecord) -> str:
    """The record's PIN in clear, for showing to its owner on request; never log it."""
    return secret_decrypt(record.pin_number_encrypted)


@dataclass(frozen=True)
class MemberPin:
    nickname: str
    aw_user_id: int
    album_id: int | None
    outcome: str
    pin: str


def bulk_job_pins(*, job: BulkJob) -> list[MemberPin]:
    """Each member's generated PIN in clear, with their album, for showing to the job's creator on
    request; never log them."""
    items = job.items.select_related("record").order_by("nickname", "aw_user_id")
    return [
        MemberPin(
            nickname=item.nickname,
            aw_user_id=item.aw_user_id,
            album_id=item.record.album_id if item.record else None,
            outcome=OUTCOMES[_outcome(item, job)],
            pin=secret_decrypt(item.pin_number_encrypted),
        )
        for item in items
        if item.pin_number_encrypted
    ]


def bulk_job_draft_get(*, user: AbstractBaseUser, pk: int) -> BulkJob | None:
    """A checked spreadsheet of the user's, not started yet."""
    return BulkJob.objects.filter(pk=pk, created_by=user, status=BulkJob.Status.DRAFT).first()


# --- Pictures -------------------------------------------------------------------------------------


def picture_upload_get(*, user: AbstractBaseUser, pk: int) -> PictureUpload | None:
    """An upload the user may follow: their own, or a member's sent through an agency they may use."""
    visible = Q(created_by=user) | Q(for_member=True, connection__in=agency_connections_for(user=user))
    return PictureUpload.objects.filter(visible, pk=pk).first()


@dataclass(frozen=True)
class PictureUploadProgress:
    upload: PictureUpload
    pictures: list
    sent: int
    unknown: int
    failed: int

    @property
    def total(self) -> int:
        return len(self.pictures)

    @property
    def not_sent(self) -> int:
        return self.total - self.sent - self.unknown

    @property
    def can_resume(self) -> bool:
        """Whether "Send the rest" may queue it again: finished with pictures not sent or unsettled, or
        running with a worker that stopped moving."""
        if self.upload.status == PictureUpload.Status.FINISHED:
            return self.not_sent + self.unknown > 0
        return self.upload.is_stalled

    @property
    def percent(self) -> int:
        return round(100 * self.sent / self.total) if self.total else 100


def picture_upload_progress(*, upload: PictureUpload) -> PictureUploadProgress:
    """Each picture and the outcome of the batch that carries it, and how many are sent so far."""
    upload.refresh_from_db(fields=["status", "error_message", "started_at", "finished_at", "updated_at"])
    pictures = list(upload.pictures.select_related("record").order_by("position"))
    statuses = Counter(picture.record.status for picture in pictures if picture.record is not None)
    # A failed batch's pictures are counted as not sent: they go again with "Send the rest".
    return PictureUploadProgress(
        upload=upload,
        pictures=pictures,
        sent=statuses[AlbumRecord.Status.CREATED],
        unknown=statuses[AlbumRecord.Status.UNKNOWN],
        failed=statuses[AlbumRecord.Status.FAILED],
    )
