"""The history as CSV: columns, cell formatting, and a row-at-a-time writer for streaming."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .models import AlbumRecord

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). A leading
# quote makes it text; the value is still readable.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KIND_LABELS = dict(AlbumRecord.Kind.choices)


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# Heading, and the value it shows (see album_record_export_values).
HISTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Started (UTC)", "created_at"),
    ("Finished (UTC)", "completed_at"),
    ("Operation", "kind"),
    ("Status", "status"),
    ("Name", "name"),
    ("Description", "description"),
    ("PIN set", "has_pin"),
    ("PIN price (credits)", "pin_price"),
    ("For AdultWork UserID", "aw_user_id"),
    ("Acting AdultWork UserID", "acting_aw_user_id"),
    ("Sent by", "created_by__username"),
    ("AlbumID", "album_id"),
    ("AlbumName", "album_name"),
    ("Error", "error_message"),
)
HISTORY_FIELDS = tuple(field for _, field in HISTORY_COLUMNS)
KIND_COLUMN = HISTORY_FIELDS.index("kind")
STATUS_COLUMN = HISTORY_FIELDS.index("status")


class _Line:
    """A file-like object whose write hands back the line, so csv.writer can feed a generator."""

    def write(self, line: str) -> str:
        return line


def history_csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """The heading line, then one line per row of HISTORY_FIELDS values."""
    writer = csv.writer(_Line())
    yield writer.writerow([heading for heading, _ in HISTORY_COLUMNS])
    for row in rows:
        cells = [csv_cell(value) for value in row]
        kind, status = row[KIND_COLUMN], row[STATUS_COLUMN]
        cells[KIND_COLUMN] = KIND_LABELS.get(kind, cells[KIND_COLUMN])
        cells[STATUS_COLUMN] = AlbumRecord.label_for(kind=kind, status=status)
        yield writer.writerow(cells)



def csv_document(rows: Iterable[Iterable[Any]]) -> str:
    """A whole small CSV file, each cell safe from formulas, with the BOM so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return "\ufeff" + out.getvalue()


PIN_COLUMNS = ("Nickname", "UserID", "AlbumID", "Outcome", "PIN number")


def pins_csv(pins: Iterable) -> str:
    """A bulk job's generated PINs (selectors.MemberPin), one member a line."""
    return csv_document([PIN_COLUMNS, *((p.nickname, p.aw_user_id, p.album_id, p.outcome, p.pin) for p in pins)])
