from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .adultwork import types as answer

# What each scope the portal asks for makes possible, to tell users what a missing one stops.
SCOPE_USES = {
    "profile_gallery": "creating albums",
    "account_information": "reading your group, so agency features stay off",
}


class Connection(models.Model):
    """A portal user's link to one AdultWork account. Tokens are stored only encrypted."""

    class Source(models.TextChoices):
        TOKEN = "token", "Access token (no refresh)"
        OAUTH = "oauth", "Unified Login"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aw_connection"
    )
    aw_user_id = models.BigIntegerField("AdultWork UserID")
    group_id = models.BigIntegerField("group ID", null=True, blank=True)
    group_name = models.CharField(max_length=answer.GROUP_NAME_MAX_LENGTH, blank=True)
    is_group_manager = models.BooleanField("group manager", default=False)
    scopes = models.CharField(max_length=500, blank=True, help_text="Granted scopes, space-separated.")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    access_token_encrypted = models.TextField(editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="agency_connections",
        blank=True,
        verbose_name="agency staff",
        help_text="Portal users who may act for this group's members through this connection "
        "(only while it belongs to a group manager), without the AdultWork password.",
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"AdultWork {self.aw_user_id} for {self.user}"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def missing_scopes(self) -> list[tuple[str, str]]:
        """(scope, what it stops) for each scope the portal needs but was not granted."""
        return [(scope, use) for scope, use in SCOPE_USES.items() if scope not in self.scope_set]


class AlbumDefinition(models.Model):
    """What an album is to be, as asked, stored alike by one attempt and by a bulk job. The PIN only encrypted."""

    # Valid or not: AdultWork's own limit is 20 UTF-16 units, and a refused attempt is history too.
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    pin_number_encrypted = models.TextField(blank=True, editable=False)
    pin_price = models.DecimalField("PIN price", max_digits=12, decimal_places=3, null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_number_encrypted)


class AlbumRecord(AlbumDefinition):
    """One attempt to create an album: what was asked, for whom, by whom, and what came of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "In progress"
        CREATED = "created", "Created"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="album_records"
    )
    aw_user_id = models.BigIntegerField("AdultWork UserID", help_text="The account the album is for.")
    acting_aw_user_id = models.BigIntegerField(
        "acting AdultWork UserID", help_text="The connected account that made the request."
    )
    submission_key = models.UUIDField(editable=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error_message = models.TextField(blank=True)
    album_id = models.BigIntegerField("AlbumID", null=True, blank=True)
    # AdultWork's answer, cleaned and cut to these sizes (albums.adultwork.types), with a note when it was.
    album_name = models.CharField("AlbumName", max_length=answer.ALBUM_NAME_MAX_LENGTH, blank=True)
    album_description = models.TextField("AlbumDescription", blank=True)
    album_size = models.BigIntegerField("AlbumSize", null=True, blank=True)
    sequence = models.BigIntegerField("Sequence", null=True, blank=True)
    thumb_url = models.CharField("ThumbUrl", max_length=answer.THUMB_URL_MAX_LENGTH, blank=True)
    picture_ids = models.TextField("PictureIDs", blank=True)
    answer_notes = models.TextField(
        "notes on AdultWork's answer", blank=True, help_text="What the portal cut or left out of AdultWork's answer to store it."
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    remote_missing_since = models.DateTimeField(
        null=True, blank=True, help_text="When a refresh from AdultWork last found this album gone."
    )

    # Settling an unknown outcome (albums/services/reconcile.py explains the rule).
    checked_at = models.DateTimeField(
        "last checked", null=True, blank=True, help_text="When AdultWork's album list was last read for this attempt."
    )
    confirmed_absent_at = models.DateTimeField(
        null=True, blank=True, help_text="When a check proved that this attempt created no album."
    )
    retry_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retry",
        help_text="The attempt, confirmed absent, that this one sends again.",
    )

    # Audit of acting for a group member: the manager connection used (kept as acting_aw_user_id when
    # the connection goes), the member's nickname when sent, and the bulk job that sent it, if any.
    connection = models.ForeignKey(
        Connection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="album_records",
        help_text="The connection the request was sent through.",
    )
    for_member = models.BooleanField(
        "for a group member", default=False, help_text="Sent by a group manager's connection for a member."
    )
    member_nickname = models.CharField(max_length=answer.NICKNAME_MAX_LENGTH, blank=True)
    bulk_job = models.ForeignKey(
        "BulkJob", on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_key"], name="albumrecord_unique_submission"
            ),
            # One album is the outcome of one attempt at most, however its outcome was learnt.
            models.UniqueConstraint(
                fields=["aw_user_id", "album_id"],
                condition=models.Q(album_id__isnull=False),
                name="albumrecord_unique_album",
            ),
        ]
        # Each history filter seeks along one of these in date order (see albums.pagination), so a
        # page reads one page of index entries at any history size.
        indexes = [
            models.Index(fields=["created_by", "-created_at", "-id"], name="albumrecord_user_recent"),
            # An agency's history, and its history for one member.
            models.Index(fields=["connection", "-created_at", "-id"], name="albumrecord_connection_recent"),
            models.Index(fields=["aw_user_id", "-created_at", "-id"], name="albumrecord_member_recent"),
            models.Index(fields=["created_by", "status", "-created_at", "-id"], name="albumrecord_user_status"),
            models.Index(fields=["created_by", "aw_user_id", "-created_at", "-id"], name="albumrecord_user_member"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("album_detail", args=[self.pk])

    @property
    def stopped_waiting_at(self) -> datetime:
        """When the portal stopped waiting for AdultWork's answer; for a pending record, when it must have."""
        if self.completed_at:
            return self.completed_at
        # The call, and the one automatic check after it, each end within the connect and read timeouts.
        return self.created_at + timedelta(seconds=2 * (settings.AW_CONNECT_TIMEOUT + settings.AW_READ_TIMEOUT))

    @property
    def absence_provable_from(self) -> datetime:
        """From when a check finding no album proves that this attempt created none."""
        return self.stopped_waiting_at + timedelta(seconds=settings.AW_OUTCOME_SETTLE_SECONDS)

    @property
    def can_check(self) -> bool:
        """Whether the outcome is still to be learnt from AdultWork's album list."""
        if self.status == self.Status.UNKNOWN:
            return True
        return self.status == self.Status.PENDING and timezone.now() >= self.stopped_waiting_at

    @property
    def next_attempt(self) -> "AlbumRecord | None":
        try:
            return self.retry
        except AlbumRecord.DoesNotExist:
            return None

    @property
    def can_send_again(self) -> bool:
        return self.confirmed_absent_at is not None and self.next_attempt is None


class Member(models.Model):
    """A member of a manager connection's AdultWork group, as the portal last knew it."""

    class Source(models.TextChoices):
        API = "api", "getGroupDetails"
        MANUAL = "manual", "Added by hand"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="members")
    aw_user_id = models.BigIntegerField("AdultWork UserID")
    nickname = models.CharField(
        max_length=answer.NICKNAME_MAX_LENGTH, blank=True, help_text="AdultWork's nickname, or a label."
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    is_stale = models.BooleanField(
        "no longer in the group", default=False, help_text="Missing from the group's last member list."
    )
    last_seen_at = models.DateTimeField(null=True, blank=True, help_text="When a member list last showed them.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nickname", "aw_user_id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "aw_user_id"], name="member_unique_per_connection"),
        ]
        indexes = [models.Index(fields=["connection", "is_stale", "nickname"], name="member_roster")]

    def __str__(self) -> str:
        return f"{self.nickname} ({self.aw_user_id})" if self.nickname else str(self.aw_user_id)


class BulkJob(AlbumDefinition):
    """One album definition sent to many group members in the background, through a manager connection."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulk_jobs")
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="bulk_jobs"
    )
    acting_aw_user_id = models.BigIntegerField("acting AdultWork UserID")
    submission_key = models.UUIDField(editable=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    member_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "submission_key"], name="bulkjob_unique_submission"),
        ]
        indexes = [models.Index(fields=["connection", "-created_at"], name="bulkjob_connection_recent")]

    def __str__(self) -> str:
        return f"{self.name} for {self.member_count} members ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("bulk_job_detail", args=[self.pk])


class BulkJobItem(models.Model):
    """One member of a bulk job, and the record of its current attempt."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    aw_user_id = models.BigIntegerField("AdultWork UserID")
    nickname = models.CharField(max_length=answer.NICKNAME_MAX_LENGTH, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    record = models.OneToOneField(
        AlbumRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="bulk_item"
    )
    error_message = models.TextField(blank=True, help_text="Why the current attempt was not sent.")

    class Meta:
        ordering = ["job", "nickname", "aw_user_id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "aw_user_id"], name="bulkjobitem_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.nickname or self.aw_user_id} in job {self.job_id}"
