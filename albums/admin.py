from django.contrib import admin

from .models import AlbumRecord, Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "aw_user_id", "group_name", "is_group_manager", "source", "status", "access_token_expires_at", "updated_at"]
    list_filter = ["status", "source", "is_group_manager"]
    search_fields = ["user__username", "aw_user_id", "group_name"]
    list_select_related = ["user"]
    # The encrypted token fields are not editable, so they never reach a form; this shows that they exist.
    readonly_fields = ["tokens", "connected_at", "updated_at"]
    fields = ["user", "aw_user_id", "group_id", "group_name", "is_group_manager", "scopes", "source", "status", "access_token_expires_at", "tokens", "connected_at", "updated_at"]

    @admin.display(description="Tokens")
    def tokens(self, obj: Connection) -> str:
        held = ["access token"] + (["refresh token"] if obj.refresh_token_encrypted else [])
        return f"{' and '.join(held)} held, encrypted (never shown)"


@admin.register(AlbumRecord)
class AlbumRecordAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "created_by", "aw_user_id", "acting_aw_user_id", "album_id", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "created_by__username", "aw_user_id", "album_id"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AlbumRecord._meta.fields if f.name not in {"id", "pin_number_encrypted"}] + ["pin"]

    @admin.display(description="PIN number")
    def pin(self, obj: AlbumRecord) -> str:
        return "set (hidden)" if obj.has_pin else "—"

    # History is written by the portal only: admins read it.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
