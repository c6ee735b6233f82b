"""Filters for the history's rows: each row of a 50-row page goes through them, so they format directly
instead of through the general `date` filter and an included template (about 10x the cost)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import AlbumRecord

register = template.Library()


@register.filter
def status_badge(record: AlbumRecord) -> SafeString:
    badge = format_html(
        '<span class="status status--{}">{}</span>', record.status, record.status_label
    )
    if record.remote_missing_since:
        badge += format_html(' <span class="status status--gone">{}</span>', "No longer on AdultWork")
    return badge


@register.filter
def local_time(value: datetime | None) -> SafeString | str:
    """<time> in the portal's time zone, shown as "7 Mar 2025 14:05"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    shown = f"{local.day} {str(MONTHS_3[local.month]).title()} {local.year} {local:%H:%M}"
    # Whole seconds: HTML's datetime allows at most three decimals.
    return format_html('<time datetime="{}">{}</time>', local.isoformat(timespec="seconds"), shown)
