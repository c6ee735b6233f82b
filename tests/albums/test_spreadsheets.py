"""Reading a bulk job's CSV as spreadsheets write it, and refusing what cannot be one."""

import pytest

from albums.spreadsheets import CsvRefused, csv_table_read, csv_template

HEADINGS = "UserID,Name,Description,PIN number,PIN price\r\n"


def read(text: str | bytes, max_rows: int = 100):
    return csv_table_read(text.encode() if isinstance(text, str) else text, max_rows=max_rows)


@pytest.mark.parametrize(
    "data",
    [
        HEADINGS.encode() + b"300001,Summer,Beach,Rk7w,2.5\r\n",  # as Python or Google Sheets writes it
        b"\xef\xbb\xbf" + HEADINGS.encode() + b"300001,Summer,Beach,Rk7w,2.5\r\n",  # Excel's "CSV UTF-8"
        HEADINGS.replace(",", ";").encode() + b"300001;Summer;Beach;Rk7w;2,5\r\n",  # where the comma is the decimal mark
        b"pin price;NAME;userid;pinnumber;Description\n2,5;Summer;300001;Rk7w;Beach\n",  # any order and case
    ],
)
def test_spreadsheet_dialects_read_alike(data):
    [row] = read(data).rows
    assert row.cells == {"user_id": "300001", "name": "Summer", "description": "Beach", "pin_number": "Rk7w", "pin_price": "2.5"}
    assert row.line == 2


def test_a_formula_is_kept_as_the_text_it_is():
    [row] = read(HEADINGS + '300001,"=HYPERLINK(""http://x"")",@SUM(A1),,\r\n').rows
    assert (row.cells["name"], row.cells["description"]) == ('=HYPERLINK("http://x")', "@SUM(A1)")


def test_cells_spanning_lines_empty_lines_and_unknown_columns():
    table = read('Nickname,Name,Notes\r\nmember002,"Two\nlines",call her\r\n\r\n,,\r\nmember003,Three,\r\n')
    assert [row.cells for row in table.rows] == [
        {"nickname": "member002", "name": "Two\nlines"},
        {"nickname": "member003", "name": "Three"},
    ]
    assert [row.line for row in table.rows] == [3, 6]
    assert table.ignored_columns == ["Notes"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("Name,Description\r\nx,y\r\n", "at least UserID"),
        ("UserID,Description\r\n1,y\r\n", "at least UserID"),
        ("", "empty"),
        (HEADINGS, "no rows"),
        ("UserID,Name\r\n1,\xe9t\xe9\r\n".encode("latin-1"), "CSV UTF-8"),
        ("UserID,Name\r\n" + "1,x\r\n" * 101, "more than 100 rows"),
    ],
)
def test_a_file_that_cannot_be_a_plan_is_refused_with_the_reason(data, reason):
    with pytest.raises(CsvRefused, match=reason):
        read(data)


def test_a_file_with_too_many_rows_is_refused_without_reading_the_rest():
    # A million rows after the limit would take seconds to parse; stopping at the first one past it does not.
    data = ("UserID,Name\r\n" + "1,x\r\n" * 3 + '"unterminated' + "x" * 10_000_000).encode()
    with pytest.raises(CsvRefused, match="more than 2 rows"):
        read(data, max_rows=2)


def test_nul_characters_are_dropped_as_the_form_drops_them():
    [row] = read("UserID,Name\r\n1,a\x00b\r\n").rows
    assert row.cells["name"] == "ab"


def test_the_template_reads_back_as_its_own_example_rows():
    table = read(csv_template().encode())
    assert [row.cells["name"] for row in table.rows] == ["Summer set", "For subscribers"]
    assert csv_template().startswith("\ufeffUserID,Nickname,Name")
