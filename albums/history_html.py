"""The history's rows and status badges as HTML, for the pages' templates (awportal/jinja2.py makes them
filters): each row of a 50-row page goes through them, so they format directly instead of through the
general `date` filter and an included template (about 10x the cost)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from .models import AlbumRecord

# Each row of a 50-row page goes through these, so the fixed parts are made once and user text is
# escaped with the standard library's html.escape (what django.utils.html.escape calls, without the
# lazy-string wrapper around it).
# A status reads in each operation's words: a finished edit is "Changed", not "Created".
_BADGES = {
    (kind, status): f'<span class="status status--{status}">{escape(AlbumRecord.label_for(kind=kind, status=status))}</span>'
    for kind in AlbumRecord.Kind.values
    for status in AlbumRecord.Status.values
}
_KINDS = {kind: escape(str(label)) for kind, label in AlbumRecord.Kind.choices}
_GONE = ' <span class="status status--gone">No longer on AdultWork</span>'
_NONE = "\N{EM DASH}"
_MONTHS = {number: str(name).title() for number, name in MONTHS_3.items()}


def _badge_html(record: AlbumRecord) -> str:
    badge = _BADGES.get((record.kind, record.status)) or f'<span class="status status--{escape(record.status)}">{escape(record.status)}</span>'
    return badge + _GONE if record.remote_missing_since else badge


def _time_html(value: datetime, zone) -> str:
    local = value.astimezone(zone)
    # Whole seconds: HTML's datetime allows at most three decimals.
    return (
        f'<time datetime="{local.isoformat(timespec="seconds")}">'
        f"{local.day} {_MONTHS[local.month]} {local.year} {local:%H:%M}</time>"
    )


def status_badge(record: AlbumRecord) -> SafeString:
    return mark_safe(_badge_html(record))


def local_time(value: datetime | None) -> SafeString | str:
    """<time> in the portal's time zone, shown as "7 Mar 2025 14:05"."""
    if value is None:
        return ""
    return mark_safe(_time_html(value, timezone.get_current_timezone()))


def history_rows(records) -> SafeString:
    """The history table's rows in one pass. A variable and a filter per cell cost the template engine more
    than the row itself; 50 rows of them were most of the page's time (bench/throughput.py)."""
    zone = timezone.get_current_timezone()
    return mark_safe(
        "\n".join(
            f"<tr><td>{_time_html(record.created_at, zone)}</td><td>{_KINDS.get(record.kind) or escape(record.kind)}</td>"
            f'<td><a href="{record.pk}/">{escape(record.name)}</a></td>'
            f"<td>{record.aw_user_id}</td><td>{_badge_html(record)}</td>"
            f"<td>{_NONE if record.album_id is None else record.album_id}</td></tr>"
            for record in records
        )
    )
