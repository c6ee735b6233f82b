"""A bulk job planned in a spreadsheet: every row checked with the create form's own rules, and the
member it names found on the roster, before anything is queued (albums/spreadsheets.py reads the file)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from . import adultwork as aw
from .forms import AlbumForm
from .models import Member
from .spreadsheets import CsvRefused, CsvRow, csv_table_read

# The album fields, by the column that holds each.
ALBUM_COLUMNS = ("name", "description", "pin_number", "pin_price")
PREVIEW_COLUMNS = ("user_id", "nickname", *ALBUM_COLUMNS)


@dataclass(frozen=True)
class PlannedRow:
    """A good row: the member, and the album as the form cleaned it."""

    line: int
    member: Member
    album: aw.AlbumInput


@dataclass(frozen=True)
class RefusedRow:
    """A row refused, as it was written, with the reasons per column."""

    line: int
    cells: dict[str, str]
    errors: dict[str, list[str]]

    def shown(self) -> list[tuple[str, list[str]]]:
        """Each column's cell as the preview shows it (a PIN only as "given", never itself), and its errors."""
        cells = []
        for column in PREVIEW_COLUMNS:
            value = self.cells.get(column, "")
            if column == "pin_number" and value:
                value = "given"
            cells.append((value, self.errors.get(column, [])))
        return cells


@dataclass
class CsvPlan:
    good: list[PlannedRow] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


class _Roster:
    """The members a file may name, found by UserID or by nickname (without regard to case)."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.by_id: dict[int, Member] = {}
        self.by_nickname: dict[str, list[Member]] = defaultdict(list)
        for member in members:
            self.by_id[member.aw_user_id] = member
            if member.nickname:
                self.by_nickname[member.nickname.casefold()].append(member)

    def find(self, cells: dict[str, str], errors: dict[str, list[str]]) -> Member | None:
        user_id, nickname = cells.get("user_id", "").strip(), cells.get("nickname", "").strip()
        if user_id:
            if not user_id.isdigit() or len(user_id) > 12:
                errors["user_id"] = ["A UserID is a number, such as 300001."]
                return None
            member = self.by_id.get(int(user_id))
            if member is None:
                errors["user_id"] = [f"AdultWork member {int(user_id)} is not a current member of the group."]
            elif nickname and nickname.casefold() != member.nickname.casefold():
                errors["nickname"] = [f"UserID {member.aw_user_id} is {member.nickname or 'unnamed'}, not this nickname."]
                return None
            return member
        if not nickname:
            errors["user_id"] = ["Give the member's UserID or nickname."]
            return None
        found = self.by_nickname.get(nickname.casefold(), [])
        if len(found) > 1:
            errors["nickname"] = ["Several members have this nickname: give the UserID instead."]
        elif not found:
            errors["nickname"] = ["No current member of the group has this nickname."]
        return found[0] if len(found) == 1 else None


def _album_errors(cells: dict[str, str]) -> tuple[aw.AlbumInput | None, dict[str, list[str]]]:
    """The album as the create form cleans it, or the form's messages per column."""
    form = AlbumForm({**{name: cells.get(name, "") for name in ALBUM_COLUMNS}, "submission_key": uuid.uuid4()})
    if form.is_valid():
        return form.album_input, {}
    return None, {name: list(messages) for name, messages in form.errors.items()}


def csv_plan_check(rows: Iterable[CsvRow], members: Iterable[Member]) -> CsvPlan:
    """Each row good or refused: a member of the roster, named once in the file, and an album the create
    form accepts."""
    roster = _Roster(members)
    plan = CsvPlan()
    planned_on: dict[int, int] = {}
    for row in rows:
        errors: dict[str, list[str]] = {}
        member = roster.find(row.cells, errors)
        if member is not None and member.aw_user_id in planned_on:
            errors["user_id"] = [f"This member is on line {planned_on[member.aw_user_id]} already."]
        album, album_errors = _album_errors(row.cells)
        errors.update(album_errors)
        if errors:
            plan.refused.append(RefusedRow(line=row.line, cells=row.cells, errors=errors))
        else:
            planned_on[member.aw_user_id] = row.line
            plan.good.append(PlannedRow(line=row.line, member=member, album=album))
    return plan


class BulkCsvForm(forms.Form):
    """The upload; valid when the file could be read, whatever its rows hold (the plan says)."""

    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 (“CSV UTF-8” in Excel), separated by commas or semicolons, with the columns "
        "UserID (or Nickname), Name, Description, PIN number and PIN price.",
        error_messages={"required": "Choose a CSV file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, members: Iterable[Member], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self.plan: CsvPlan | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.BULK_CSV_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                "The file is %(size)s; the most the portal takes is %(limit)s. Split it into several jobs.",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        try:
            table = csv_table_read(upload.read(limit + 1), max_rows=settings.BULK_CSV_MAX_ROWS)
        except CsvRefused as refused:
            raise ValidationError(refused.message) from None
        self.plan = csv_plan_check(table.rows, self.members)
        self.plan.ignored_columns = table.ignored_columns
        return upload
