"""A bulk job planned in a spreadsheet: every row checked with the create form's rules, through the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from albums.bulk_csv import csv_plan_check
from albums.selectors import members_actable
from albums.spreadsheets import CsvRow
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

CSV = reverse("bulk_job_csv")


def rows(*cells: dict) -> list[CsvRow]:
    return [CsvRow(line=n + 2, cells=row) for n, row in enumerate(cells)]


def plan(manager, *cells: dict):
    return csv_plan_check(rows(*cells), members_actable(user=manager))


def test_good_rows_carry_the_member_and_the_album_as_the_form_cleans_it(manager):
    checked = plan(
        manager,
        {"user_id": "300001", "name": "  Summer  ", "description": "Beach", "pin_number": "Rk7w", "pin_price": "2.50"},
        {"nickname": "MEMBER002", "name": "Two"},
    )
    assert not checked.refused
    first, second = checked.good
    assert (first.member.aw_user_id, first.album.name, str(first.album.pin_price)) == (300001, "Summer", "2.5")
    assert (second.member.aw_user_id, second.album.pin_number, second.album.pin_price) == (300002, "", None)


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"user_id": "400001", "name": "x"}, "user_id", "not a current member"),
        ({"user_id": "30x", "name": "x"}, "user_id", "is a number"),
        ({"user_id": "9" * 40, "name": "x"}, "user_id", "is a number"),
        ({"nickname": "nobody", "name": "x"}, "nickname", "No current member"),
        ({"user_id": "300001", "nickname": "member002", "name": "x"}, "nickname", "is member001"),
        ({"user_id": "", "nickname": "", "name": "x"}, "user_id", "UserID or nickname"),
        ({"user_id": "300001", "name": ""}, "name", "Enter a name"),
        ({"user_id": "300001", "name": "x" * 21}, "name", "at most 20"),
        ({"user_id": "300001", "name": "x", "pin_number": "1234", "pin_price": "2"}, "pin_number", "easy to guess"),
        ({"user_id": "300001", "name": "x", "pin_number": "Rk7w"}, "pin_price", "needs one"),
        ({"user_id": "300001", "name": "x", "pin_number": "Rk7w", "pin_price": "=1+1"}, "pin_price", "number"),
    ],
)
def test_a_refused_row_says_why_in_the_refused_cell(manager, cells, column, reason):
    checked = plan(manager, cells)
    [refused] = checked.refused
    assert reason in " ".join(refused.errors[column])
    assert not checked.good


def test_a_member_named_twice_is_refused_the_second_time(manager):
    checked = plan(manager, {"user_id": "300001", "name": "a"}, {"nickname": "member001", "name": "b"})
    assert [row.line for row in checked.good] == [2]
    assert "on line 2 already" in checked.refused[0].errors["user_id"][0]


def test_a_nickname_two_members_share_must_be_given_as_a_user_id(manager, agency):
    MemberFactory(connection=agency, aw_user_id=300050, nickname="member001")
    checked = plan(manager, {"nickname": "member001", "name": "a"})
    assert "Several members" in checked.refused[0].errors["nickname"][0]


def upload(client, content: bytes, name: str = "plan.csv"):
    return client.post(CSV, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_the_page_previews_good_rows_and_refused_rows_with_reasons_and_never_shows_a_pin(client, manager, standin):
    client.force_login(manager)
    content = (
        "\ufeffUserID;Name;Description;PIN number;PIN price\r\n"
        "300001;Summer;Beach;Rk7w;2,5\r\n"
        "300002;<b>bold</b>;;Zq9x;\r\n"
        "400001;Outsider;;;\r\n"
    ).encode()

    page = upload(client, content).content.decode()

    assert "<strong>1</strong> good row, <strong>2</strong> refused" in page
    assert "Enter a PIN price: a PIN number needs one." in page
    assert "not a current member of the group" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold" not in page
    assert "Rk7w" not in page and "Zq9x" not in page
    assert standin.requests("createalbum") == []  # nothing is sent by checking


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, manager, settings):
    settings.BULK_CSV_MAX_BYTES = 100
    client.force_login(manager)
    page = upload(client, b"UserID,Name\r\n" + b"300001,x\r\n" * 20).content.decode()
    assert "the most the portal takes is 100" in page
    assert 'id="csv-preview"' not in page


def test_an_unreadable_file_says_how_to_save_it(client, manager):
    client.force_login(manager)
    page = upload(client, "UserID;Name\r\n300001;Été\r\n".encode("cp1252")).content.decode()
    assert "CSV UTF-8" in page


def test_the_template_downloads_as_csv(client, manager):
    client.force_login(manager)
    response = client.get(reverse("bulk_job_csv_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").startswith("UserID,Nickname,Name,Description,PIN number,PIN price")
