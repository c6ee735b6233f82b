from django import forms
from django.contrib import admin, messages

from .errors import PortalError
from .models import AlbumRecord, BulkJob, BulkJobItem, Connection, Member, StaffGrant
from .services.grants import staff_grant_give, staff_grant_refusal


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "aw_user_id", "group_name", "is_group_manager", "source", "status", "access_token_expires_at", "updated_at"]
    list_filter = ["status", "source", "is_group_manager"]
    search_fields = ["user__username", "aw_user_id", "group_name"]
    list_select_related = ["user"]
    # The encrypted token fields are not editable, so they never reach a form; this shows that they exist.
    readonly_fields = ["tokens", "connected_at", "updated_at"]
    fields = ["user", "aw_user_id", "group_id", "group_name", "is_group_manager", "scopes", "source", "status", "access_token_expires_at", "tokens", "roster_loaded_at", "roster_error", "connected_at", "updated_at"]

    @admin.display(description="Tokens")
    def tokens(self, obj: Connection) -> str:
        held = ["access token"] + (["refresh token"] if obj.refresh_token_encrypted else [])
        return f"{' and '.join(held)} held, encrypted (never shown)"


class StaffGrantForm(forms.ModelForm):
    class Meta:
        model = StaffGrant
        fields = ["connection", "user"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("connection") and cleaned.get("user"):
            refusal = staff_grant_refusal(connection=cleaned["connection"], user=cleaned["user"])
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


@admin.register(StaffGrant)
class StaffGrantAdmin(admin.ModelAdmin):
    """Grants per AdultWork group. A grant is made for the group its connection manages when it is saved;
    one whose connection has changed account or group since applies again only once confirmed."""

    list_display = ["group_id", "group_name", "user", "connection", "applies", "confirmed_at"]
    list_filter = ["group_id"]
    search_fields = ["user__username", "group_name", "group_id", "connection__user__username"]
    list_select_related = ["user", "connection__user"]
    raw_id_fields = ["connection", "user"]
    fields = ["connection", "user", "group_id", "group_name", "manager_aw_user_id", "confirmed_at", "applies"]
    readonly_fields = ["group_id", "group_name", "manager_aw_user_id", "confirmed_at", "applies"]
    actions = ["confirm"]
    form = StaffGrantForm

    @admin.display(boolean=True, description="applies")
    def applies(self, obj: StaffGrant) -> bool:
        return obj.pk is not None and obj.applies

    def save_model(self, request, obj: StaffGrant, form, change) -> None:
        # The group is always the connection's current one: saving is granting (or confirming) it.
        obj.pk = staff_grant_give(connection=obj.connection, user=obj.user).pk
        obj.refresh_from_db()

    @admin.action(description="Confirm for the group each connection manages now")
    def confirm(self, request, queryset) -> None:
        confirmed = 0
        for grant in queryset.select_related("connection", "user"):
            try:
                staff_grant_give(connection=grant.connection, user=grant.user)
            except PortalError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                confirmed += 1
        self.message_user(request, f"Confirmed {confirmed} grant(s) for their connection's current group.")


class HistoryAdmin(admin.ModelAdmin):
    """History is written by the portal only: admins read it, and never see a PIN."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="PIN number")
    def pin(self, obj: AlbumRecord | BulkJob) -> str:
        return "set (hidden)" if obj.has_pin else "—"


@admin.register(AlbumRecord)
class AlbumRecordAdmin(HistoryAdmin):
    list_display = ["name", "kind", "status", "created_by", "aw_user_id", "member_nickname", "acting_aw_user_id", "for_member", "album_id", "created_at"]
    list_filter = ["kind", "status", "for_member", "created_at"]
    search_fields = ["name", "created_by__username", "aw_user_id", "member_nickname", "album_id"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AlbumRecord._meta.fields if f.name not in {"id", "pin_number_encrypted"}] + ["pin"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["aw_user_id", "nickname", "connection", "source", "is_stale", "last_seen_at"]
    list_filter = ["is_stale", "source"]
    search_fields = ["aw_user_id", "nickname", "connection__group_name", "connection__user__username"]
    list_select_related = ["connection__user"]
    raw_id_fields = ["connection"]


class BulkJobItemInline(admin.TabularInline):
    model = BulkJobItem
    fields = ["aw_user_id", "nickname", "attempt", "record", "error_message"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BulkJob)
class BulkJobAdmin(HistoryAdmin):
    list_display = ["name", "status", "member_count", "created_by", "acting_aw_user_id", "created_at", "finished_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "created_by__username", "acting_aw_user_id"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in BulkJob._meta.fields if f.name not in {"id", "pin_number_encrypted"}] + ["pin"]
    inlines = [BulkJobItemInline]
