"""Reading a bulk job's plan from a CSV file as spreadsheets write it. Parsing only: which member and
whether the album is valid are decided by albums/forms.py's rules (BulkCsvForm).

- Encoding: UTF-8, with or without the byte order mark Excel puts first ("CSV UTF-8"). Anything else
  is refused with a message saying how to save the file, rather than guessed at.
- Separator: a comma, or a semicolon (what spreadsheets write where the comma is the decimal mark);
  the heading line decides which. In a semicolon file a price may use the decimal comma (2,5).
- Headings, in any order and case: UserID or Nickname (one of them), Name, Description, PIN number,
  PIN price (PinNumber and PINPrice, the API's names, too). Other columns are ignored and named.
- Cells are text and nothing else: a cell such as `=HYPERLINK(...)` is a name like any other, never a
  formula (the portal evaluates nothing), and is written back with a leading quote (exports.csv_cell).
- Size: a file over CSV_MAX_BYTES is refused before it is read, and reading stops at the first row
  past CSV_MAX_ROWS, so no file costs more than those limits to refuse.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .exports import csv_cell, csv_document

# Columns, by the headings that name them (compared without case, spaces or underscores).
HEADINGS = {
    "userid": "user_id",
    "nickname": "nickname",
    "name": "name",
    "description": "description",
    "pinnumber": "pin_number",
    "pinprice": "pin_price",
}
TEMPLATE_HEADINGS = ["UserID", "Nickname", "Name", "Description", "PIN number", "PIN price"]
TEMPLATE_ROWS = [
    ["300001", "", "Summer set", "Twelve pictures from the beach", "", ""],
    ["", "member002", "For subscribers", "", "Rk7w", "2.5"],
]
# A row's cell past this is not kept: no album field is longer (descriptions are the longest).
CELL_MAX_CHARS = 10_000


class CsvRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CsvRow:
    line: int  # as the spreadsheet numbers it, the heading being line 1
    cells: dict[str, str]


@dataclass
class CsvTable:
    rows: list[CsvRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _heading_key(heading: str) -> str:
    return "".join(heading.split()).replace("_", "").lower()


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvRefused(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload it again."
        ) from None


def _separator(heading_line: str) -> str:
    return ";" if heading_line.count(";") > heading_line.count(",") else ","


def _price(cell: str, separator: str) -> str:
    """A price as the form reads it: in a semicolon file, a decimal comma is the decimal point."""
    return cell.replace(",", ".", 1) if separator == ";" and cell.count(",") == 1 and "." not in cell else cell


def csv_table_read(data: bytes, *, max_rows: int) -> CsvTable:
    """The rows of a CSV file (its size already checked against CSV_MAX_BYTES), each as the cells of
    the known columns; raises CsvRefused when the file cannot be a bulk job's plan."""
    text = _text(data).replace("\x00", "")  # NUL means nothing in a cell, and the csv module refuses it
    separator = _separator(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    try:
        headings = next(reader, None)
        if not headings or not any(cell.strip() for cell in headings):
            raise CsvRefused("The file is empty: its first line must name the columns (download the template).")
        columns: dict[str, int] = {}
        table = CsvTable()
        for index, heading in enumerate(headings):
            name = HEADINGS.get(_heading_key(heading))
            if name is None or name in columns:
                if heading.strip():
                    table.ignored_columns.append(csv_cell(heading.strip()[:100]))
                continue
            columns[name] = index
        if "name" not in columns or not {"user_id", "nickname"} & columns.keys():
            raise CsvRefused(
                "The first line must name the columns, with at least UserID (or Nickname) and Name. "
                "Download the template to see them."
            )
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets leave empty lines at the end
            if len(table.rows) == max_rows:
                raise CsvRefused(f"The file has more than {max_rows} rows; split it into several jobs.")
            row = {name: cells[index][:CELL_MAX_CHARS] if index < len(cells) else "" for name, index in columns.items()}
            if "pin_price" in row:
                row["pin_price"] = _price(row["pin_price"], separator)
            table.rows.append(CsvRow(line=reader.line_num, cells=row))
    except csv.Error as exc:
        raise CsvRefused(f"The file is not CSV the portal can read (line {reader.line_num}: {exc}).") from None
    if not table.rows:
        raise CsvRefused("The file names the columns but has no rows below them.")
    return table


def csv_template() -> str:
    """The template to download: the headings and two example rows."""
    return csv_document([TEMPLATE_HEADINGS, *TEMPLATE_ROWS])
