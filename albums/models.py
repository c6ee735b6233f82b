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
    # The group's roster (Member) as the portal last loaded it: see albums/services/members.py.
    roster_loaded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the member list last matched AdultWork's, for this group."
    )
    roster_queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When loading the member list in the background was last asked for."
    )
    roster_error = models.TextField(blank=True, help_text="Why the last background load of the member list failed.")

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"AdultWork {self.aw_user_id} for {self.user}"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def manages_group(self) -> bool:
        """Whether verifyCredentials called the account a group's manager (selectors.agency_connections_for
        asks the same of the database)."""
        return self.is_group_manager and self.group_id is not None

    @property
    def missing_scopes(self) -> list[tuple[str, str]]:
        """(scope, what it stops) for each scope the portal needs but was not granted."""
        return [(scope, use) for scope, use in SCOPE_USES.items() if scope not in self.scope_set]


class StaffGrant(models.Model):
    """An administrator's grant: `user` may act for the members of AdultWork group `group_id` through
    `connection`, while that connection is still group manager `manager_aw_user_id` of that group.

    The grant names the group, not just the connection: when the connection's account or group changes
    (a manager pasting another group's token), the grant stops applying until an administrator confirms
    it for the new group.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_grants", verbose_name="staff user"
    )
    group_id = models.BigIntegerField("group ID")
    group_name = models.CharField(max_length=200, blank=True, help_text="The group's name when granted.")
    manager_aw_user_id = models.BigIntegerField("group manager's AdultWork UserID")
    confirmed_at = models.DateTimeField(default=timezone.now, help_text="When an administrator granted or confirmed it.")

    class Meta:
        ordering = ["group_id", "connection", "user"]
        verbose_name = "staff grant"
        constraints = [
            models.UniqueConstraint(fields=["connection", "user"], name="staffgrant_unique_per_connection"),
        ]
        indexes = [models.Index(fields=["user", "connection"], name="staffgrant_user")]

    def __str__(self) -> str:
        return f"{self.user} for group {self.group_id} through {self.connection}"

    @property
    def applies(self) -> bool:
        """Whether the connection is still the manager account and group this grant was confirmed for."""
        connection = self.connection
        return (
            connection.is_group_manager
            and connection.group_id == self.group_id
            and connection.aw_user_id == self.manager_aw_user_id
        )


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
    """One operation on an album (create it, edit it, remove it, or add a batch of pictures to it):
    what was asked, for whom, by whom, and what came of it."""

    class Kind(models.TextChoices):
        CREATE = "create", "Create"
        EDIT = "edit", "Edit"
        REMOVE = "remove", "Remove"
        ADD_PICTURES = "add_pictures", "Add pictures"

    class Status(models.TextChoices):
        PENDING = "pending", "In progress"
        CREATED = "created", "Created"  # the operation did what it asked, whatever its kind
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

    # What "created" means for each kind, as the history shows it.
    DONE_LABELS = {Kind.CREATE: "Created", Kind.EDIT: "Changed", Kind.REMOVE: "Removed", Kind.ADD_PICTURES: "Sent"}

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="album_records"
    )
    aw_user_id = models.BigIntegerField("AdultWork UserID", help_text="The account the album is for.")
    acting_aw_user_id = models.BigIntegerField(
        "acting AdultWork UserID", help_text="The connected account that made the request."
    )
    submission_key = models.UUIDField(editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CREATE)
    # RemoveAlbum's RemoveAllPictures, as sent (remove only).
    remove_pictures = models.BooleanField("also remove its pictures", default=False)

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
    picture_upload = models.ForeignKey(
        "PictureUpload", on_delete=models.PROTECT, null=True, blank=True, related_name="records",
        help_text="For a batch of pictures: the upload it belongs to.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_key"], name="albumrecord_unique_submission"
            ),
            # One album is the outcome of one create at most, however its outcome was learnt. Edits,
            # removals and pictures name the album they act on, as many times as they like.
            models.UniqueConstraint(
                fields=["aw_user_id", "album_id"],
                condition=models.Q(album_id__isnull=False, kind="create"),
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
            models.Index(fields=["created_by", "kind", "-created_at", "-id"], name="albumrecord_user_kind"),
            # An album's operations, for its record page and for what the portal knows of its PIN.
            models.Index(fields=["aw_user_id", "album_id", "-created_at"], name="albumrecord_album_operations"),
            models.Index(fields=["created_by", "aw_user_id", "-created_at", "-id"], name="albumrecord_user_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.status_label})"

    def get_absolute_url(self) -> str:
        return reverse("album_detail", args=[self.pk])

    @property
    def status_label(self) -> str:
        return self.label_for(kind=self.kind, status=self.status)

    @classmethod
    def label_for(cls, *, kind: str, status: str) -> str:
        """The status as the history says it: a finished edit is "Changed", not "Created"."""
        if status == cls.Status.CREATED:
            return cls.DONE_LABELS.get(kind, "Done")
        return cls.Status(status).label if status in cls.Status.values else status

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
        """A create proven never received may be sent again; other kinds are asked for anew (an edit or a
        removal from its page) or sent by their upload."""
        return self.kind == self.Kind.CREATE and self.confirmed_absent_at is not None and self.next_attempt is None


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
    """Albums for many group members, sent in the background through a manager connection: one
    definition for all (with one PIN, a PIN of its own for each member, or none), or a definition per
    member from a spreadsheet. Each member's own definition is on their BulkJobItem."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Checked, not started"
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    class PinMode(models.TextChoices):
        SAME = "same", "One PIN for all"
        EACH = "each", "A different generated PIN for each member"
        NONE = "none", "No PIN"
        SPREADSHEET = "sheet", "As each row of the spreadsheet says"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulk_jobs")
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="bulk_jobs"
    )
    acting_aw_user_id = models.BigIntegerField("acting AdultWork UserID")
    submission_key = models.UUIDField(editable=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    pin_mode = models.CharField("PIN", max_length=5, choices=PinMode.choices, default=PinMode.SAME)
    member_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text="When someone asked to stop sending.")
    pins_shown_at = models.DateTimeField(
        null=True, blank=True, help_text="When the generated PINs were shown to the job's creator, once."
    )

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


class BulkJobItem(AlbumDefinition):
    """One member of a bulk job: the album they get (the PIN, when generated, theirs alone), the record
    of its current attempt, and the lease of the worker sending it (albums/services/bulk.py)."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    aw_user_id = models.BigIntegerField("AdultWork UserID")
    nickname = models.CharField(max_length=answer.NICKNAME_MAX_LENGTH, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    record = models.OneToOneField(
        AlbumRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="bulk_item"
    )
    error_message = models.TextField(blank=True, help_text="Why the current attempt was not sent.")
    # A worker sends a member only while it holds the lease, renewed by its heartbeat; a lease that ran
    # out (the worker died) lets any worker take the member over.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When this attempt's outcome was settled.")

    class Meta:
        ordering = ["job", "nickname", "aw_user_id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "aw_user_id"], name="bulkjobitem_unique_member"),
        ]
        indexes = [
            models.Index(
                fields=["job", "lease_until"], condition=models.Q(finished_at__isnull=True), name="bulkjobitem_to_send"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nickname or self.aw_user_id} in job {self.job_id}"


class AccountPause(models.Model):
    """Until when every bulk worker leaves one AdultWork account alone, after it answered 429."""

    aw_user_id = models.BigIntegerField("AdultWork UserID", unique=True)
    paused_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"AdultWork {self.aw_user_id} paused until {self.paused_until}"


class PictureUpload(models.Model):
    """Pictures added to one album: prepared on upload, then sent in the background in batches, each
    batch an operation record of its own (kind "add pictures"), claimed before it is sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent yet"
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Sending"
        FINISHED = "finished", "Finished"
        DISCARDED = "discarded", "Discarded"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="picture_uploads")
    submission_key = models.UUIDField(editable=False)
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="picture_uploads"
    )
    acting_aw_user_id = models.BigIntegerField("acting AdultWork UserID")
    aw_user_id = models.BigIntegerField("AdultWork UserID", help_text="The account the album belongs to.")
    for_member = models.BooleanField("for a group member", default=False)
    member_nickname = models.CharField(max_length=100, blank=True)
    album_id = models.BigIntegerField("AlbumID")
    album_name = models.CharField(max_length=200, help_text="The album's name when the pictures were added.")
    # Where the prepared pictures wait (albums.services.picture_files); emptied once they are sent.
    batch_id = models.CharField(max_length=32, editable=False)
    # The album's PictureIDs as last known: read before the first batch, grown by each batch's answer.
    # A batch whose answer was lost is settled by what GetAlbums lists beyond these.
    known_picture_ids = models.TextField(blank=True, editable=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Last progress: a running upload that stops moving can be resumed.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "submission_key"], name="pictureupload_unique_submission"),
        ]

    def __str__(self) -> str:
        return f"Pictures for {self.album_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("picture_upload_detail", args=[self.pk])

    @property
    def stalled_before(self) -> datetime:
        """A running upload with no progress since this moment has lost its worker: each batch's request,
        a token refresh and a check all end within the timeouts, with room to spare."""
        return timezone.now() - timedelta(seconds=4 * (settings.AW_CONNECT_TIMEOUT + settings.AW_READ_TIMEOUT) + 60)

    @property
    def is_stalled(self) -> bool:
        return self.status == self.Status.RUNNING and self.updated_at < self.stalled_before


class UploadedPicture(models.Model):
    """One picture of an upload: what the user chose and typed, never the image itself (that waits on
    disk, re-encoded, until sent)."""

    upload = models.ForeignKey(PictureUpload, on_delete=models.CASCADE, related_name="pictures")
    position = models.PositiveSmallIntegerField()
    file_name = models.CharField(max_length=255, help_text="As the user's file was named; shown, never used as a path.")
    size_bytes = models.PositiveIntegerField(help_text="Of the re-encoded JPEG that is sent.")
    file_id = models.CharField(max_length=32, editable=False)
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    record = models.ForeignKey(
        AlbumRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="pictures",
        help_text="The operation (one batch) that sent it.",
    )
    picture_id = models.BigIntegerField("PictureID", null=True, blank=True)

    class Meta:
        ordering = ["upload", "position"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "position"], name="uploadedpicture_unique_position"),
        ]

    def __str__(self) -> str:
        return self.file_name
