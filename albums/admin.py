from django.contrib import admin

from .models import AlbumRecord, BulkJob, BulkJobItem, Connection, Member


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "aw_user_id", "group_name", "is_group_manager", "source", "status", "access_token_expires_at", "updated_at"]
    list_filter = ["status", "source", "is_group_manager"]
    search_fields = ["user__username", "aw_user_id", "group_name"]
    list_select_related = ["user"]
    # The encrypted token fields are not editable, so they never reach a form; this shows that they exist.
    readonly_fields = ["tokens", "connected_at", "updated_at"]
    fields = ["user", "aw_user_id", "group_id", "group_name", "is_group_manager", "staff", "scopes", "source", "status", "access_token_expires_at", "tokens", "connected_at", "updated_at"]
    filter_horizontal = ["staff"]

    @admin.display(description="Tokens")
    def tokens(self, obj: Connection) -> str:
        held = ["access token"] + (["refresh token"] if obj.refresh_token_encrypted else [])
        return f"{' and '.join(held)} held, encrypted (never shown)"


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
