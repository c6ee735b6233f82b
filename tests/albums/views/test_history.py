"""The history pages (albums/views/history.py): filters in the query string, seek pagination, CSV export,
fixed query counts, and the record page (check again, send again, the PIN shown once)."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import pytest
from django.test import Client
from django.urls import reverse

from albums.models import AlbumRecord
from albums.selectors import HISTORY_PAGE_SIZE
from tests.albums.views.test_create import CREATE, post_album
from tests.factories import AlbumRecordFactory, UserFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db

LIST = reverse("album_list")
EXPORT = reverse("album_export")
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def make_records(user, count, **fields):
    """`count` records an hour apart, the last one newest, named Album 000, Album 001, ..."""
    return [
        AlbumRecordFactory(created_by=user, name=f"Album {n:03d}", created_at=START + timedelta(hours=n), **fields)
        for n in range(count)
    ]


def names_on(response) -> list[str]:
    return re.findall(r'<a href="\d+/">([^<]*)</a>', response.content.decode())


def link(response, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', response.content.decode())
    return found and found.group(1).replace("&amp;", "&")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_history_pages_newest_first_by_seeking_and_comes_back(signed_in):
    make_records(signed_in.user, HISTORY_PAGE_SIZE + 10)

    first = signed_in.get(LIST)
    assert names_on(first)[0] == f"Album {HISTORY_PAGE_SIZE + 9:03d}" and len(names_on(first)) == HISTORY_PAGE_SIZE
    assert link(first, "prev") is None
    second = signed_in.get(LIST + link(first, "next"))
    assert names_on(second) == [f"Album {n:03d}" for n in range(9, -1, -1)]
    assert link(second, "next") is None
    back = signed_in.get(LIST + link(second, "prev"))
    assert names_on(back) == names_on(first) and link(back, "prev") is None


def test_each_row_links_to_its_record_and_shows_its_time_in_the_portal_time_zone(signed_in, settings):
    settings.TIME_ZONE = "Europe/London"
    record = AlbumRecordFactory(
        created_by=signed_in.user, name="Summer", status="unknown", created_at=datetime(2025, 7, 1, 9, 5, tzinfo=UTC)
    )

    page = signed_in.get(LIST).content.decode()

    href = re.search(r'<a href="([^"]+)">Summer</a>', page).group(1)
    assert urljoin(f"http://testserver{LIST}?status=unknown", href) == f"http://testserver{record.get_absolute_url()}"
    assert '<time datetime="2025-07-01T10:05:00+01:00">1 Jul 2025 10:05</time>' in page
    assert '<span class="status status--unknown">Outcome unknown</span>' in page


def test_oldest_first_pages_the_other_way(signed_in):
    make_records(signed_in.user, HISTORY_PAGE_SIZE + 1)

    first = signed_in.get(LIST, {"sort": "oldest"})
    second = signed_in.get(LIST + link(first, "next"))

    assert names_on(first)[:2] == ["Album 000", "Album 001"]
    assert names_on(second) == [f"Album {HISTORY_PAGE_SIZE:03d}"]


def test_filters_stay_in_the_page_links_so_each_view_has_a_url(signed_in):
    make_records(signed_in.user, HISTORY_PAGE_SIZE + 5, status=AlbumRecord.Status.FAILED)
    make_records(signed_in.user, 5)

    first = signed_in.get(LIST, {"status": "failed", "sort": "oldest"})
    shared = signed_in.get(LIST + link(first, "next"))

    assert "status=failed" in link(first, "next") and "sort=oldest" in link(first, "next")
    assert len(names_on(shared)) == 5
    assert AlbumRecord.objects.filter(name__in=names_on(shared), status="failed").count() == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "failed"}, ["Failed one"]),
        ({"member": "300002"}, ["For 300002"]),
        ({"name": "SUMMER"}, ["Summer set"]),
        ({"created_from": "2025-03-02", "created_to": "2025-03-02"}, ["Summer set"]),
        ({"created_from": "2025-03-03"}, ["For 300002"]),
        ({"created_to": "2025-03-01"}, ["Failed one"]),
    ],
)
def test_each_filter_narrows_the_history(signed_in, query, expected):
    user = signed_in.user
    AlbumRecordFactory(created_by=user, name="Failed one", status="failed", created_at=START)
    AlbumRecordFactory(created_by=user, name="Summer set", created_at=START + timedelta(days=1))
    AlbumRecordFactory(created_by=user, name="For 300002", aw_user_id=300002, created_at=START + timedelta(days=2))

    response = signed_in.get(LIST, query)

    assert names_on(response) == expected
    assert f"{len(expected)} album matches" in response.content.decode()


def test_sent_by_offers_only_users_whose_records_one_may_see(signed_in):
    other = UserFactory(username="someone-else")
    AlbumRecordFactory(created_by=signed_in.user, name="Mine")
    AlbumRecordFactory(created_by=other, name="Theirs")

    mine = signed_in.get(LIST, {"sent_by": signed_in.user.pk})
    theirs = signed_in.get(LIST, {"sent_by": other.pk})

    assert names_on(mine) == ["Mine"]
    assert "someone-else" not in mine.content.decode()
    assert theirs.context["filter_form"].errors["sent_by"] and "Theirs" not in theirs.content.decode()


def test_a_refused_filter_is_explained_next_to_its_field_and_narrows_nothing(signed_in):
    make_records(signed_in.user, 2)

    response = signed_in.get(LIST, {"created_from": "2025-03-05", "created_to": "2025-03-01", "member": "abc"})

    errors = response.context["filter_form"].errors
    assert "on or after the From date" in errors["created_to"][0] and errors["member"]
    assert names_on(response) == []  # the valid From day still applies
    assert "No albums match these filters" in response.content.decode()


def test_the_count_stops_at_its_cap(signed_in, monkeypatch):
    monkeypatch.setattr("albums.selectors.HISTORY_COUNT_CAP", 3)
    make_records(signed_in.user, 5)

    assert "More than 3 albums in your history" in signed_in.get(LIST).content.decode()
    assert "1 album matches" in signed_in.get(LIST, {"name": "Album 003"}).content.decode()


def test_a_malformed_page_position_shows_the_first_page(signed_in):
    make_records(signed_in.user, 3)
    response = signed_in.get(LIST, {"after": "not-a-cursor", "before": "1_x"})
    assert names_on(response) == ["Album 002", "Album 001", "Album 000"]


def test_every_filter_has_a_label_and_the_form_works_without_script(signed_in):
    page = signed_in.get(LIST).content.decode()
    form = re.search(r'<form method="get" action="/albums/"[^>]*role="search".*?</form>', page, re.S).group(0)
    for name in ("name", "status", "member", "sent_by", "created_from", "created_to", "sort"):
        field_id = re.search(rf'name="{name}"[^>]*id="([^"]+)"|id="([^"]+)"[^>]*name="{name}"', form)
        assert field_id, name
        assert f'<label for="{field_id.group(1) or field_id.group(2)}"' in form, name
    assert re.search(r"<button type=\"submit\"[^>]*>Show albums</button>", form)  # a plain GET form: no script needed


def test_the_export_is_the_filtered_list_as_csv_streamed(signed_in):
    make_records(signed_in.user, 3, status=AlbumRecord.Status.FAILED, error_message="Refused")
    AlbumRecordFactory(created_by=signed_in.user, name="Not failed")
    AlbumRecordFactory(name="Someone else's", status="failed")

    response = signed_in.get(EXPORT, {"status": "failed", "sort": "oldest"})

    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="album-history.csv"'
    rows = csv_rows(response)
    assert [row["Name"] for row in rows] == ["Album 000", "Album 001", "Album 002"]
    assert rows[0]["Status"] == "Failed" and rows[0]["Error"] == "Refused"
    assert rows[0]["Started (UTC)"] == "2025-03-01 12:00:00"
    assert rows[0]["Sent by"] == signed_in.user.username


def test_the_export_says_whether_a_pin_was_set_but_never_the_pin(signed_in, standin):
    key = re.search(r'name="submission_key" value="([^"]+)"', signed_in.get(reverse("album_create")).content.decode())
    signed_in.post(
        reverse("album_create"),
        {"submission_key": key.group(1), "name": "Locked", "pin_number": "q9Z4", "pin_price": "2.50"},
    )

    response = signed_in.get(EXPORT)

    body = b"".join(response.streaming_content).decode()
    row = list(csv.DictReader(io.StringIO(body)))[0]
    assert row["PIN set"] == "yes" and row["PIN price (credits)"] == "2.5"
    assert "q9Z4" not in body and AlbumRecord.objects.get().pin_number_encrypted not in body


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_export_cells_cannot_run_as_spreadsheet_formulas(signed_in, start):
    AlbumRecordFactory(
        created_by=signed_in.user, name=f"{start}cmd|' /C calc'!A0", description=f"{start}HYPERLINK(x)",
        error_message=f"{start}1+1",
    )

    row = csv_rows(signed_in.get(EXPORT))[0]

    for column in ("Name", "Description", "Error"):
        assert row[column].startswith("'" + start), column


def test_the_detail_page_shows_what_was_sent_and_what_came_back(signed_in):
    record = AlbumRecordFactory(
        created_by=signed_in.user, name="Sent name", description="Sent words", aw_user_id=300007,
        pin_number_encrypted="ciphertext", pin_price="3.000", album_name="Answered name", album_size=0,
    )

    page = signed_in.get(record.get_absolute_url()).content.decode()

    for shown in ("Sent name", "Sent words", "300007", "Set (hidden)", "3 credits", "Answered name", str(record.album_id)):
        assert shown in page, shown
    assert "ciphertext" not in page


# Every list page runs a fixed number of queries, whatever the history's size: session, user (with
# their connection and whether any agency's is granted to them: accounts/backends.py), the page's rows
# and the capped count.
LIST_QUERIES = 4
# session, user, the five most recent records.
DASHBOARD_QUERIES = 3
# session, user and one streamed read.
EXPORT_QUERIES = 3


@pytest.mark.parametrize("size", [0, 1, HISTORY_PAGE_SIZE + 1, 3 * HISTORY_PAGE_SIZE])
@pytest.mark.parametrize(
    ("url", "query", "queries"),
    [
        (LIST, {}, LIST_QUERIES),
        (LIST, {"status": "created", "member": "100001", "sort": "oldest"}, LIST_QUERIES),
        (LIST, {"name": "album", "created_from": "2025-01-01", "created_to": "2026-01-01", "sent_by": "mine"}, LIST_QUERIES),
        (LIST, {"after": "1767225600000000_999999"}, LIST_QUERIES),
        (LIST, {"before": "1704067200000000_1"}, LIST_QUERIES),
        (reverse("dashboard"), {}, DASHBOARD_QUERIES),
        (EXPORT, {}, EXPORT_QUERIES),
        (EXPORT, {"status": "created"}, EXPORT_QUERIES),
    ],
)
def test_each_list_page_runs_the_same_queries_at_any_size(signed_in, django_assert_num_queries, size, url, query, queries):
    make_records(signed_in.user, size)
    query = {name: signed_in.user.pk if value == "mine" else value for name, value in query.items()}

    with django_assert_num_queries(queries):
        response = signed_in.get(url, query)
        if response.streaming:
            rows = csv_rows(response)
    assert response.status_code == 200
    if response.streaming:
        assert len(rows) == size


@pytest.mark.postgres
def test_name_search_matches_the_trigram_index_on_postgresql():
    from django.db import connection

    # The index serves the exact expression the search filter compiles to.
    searched = AlbumRecord.objects.filter(name__icontains="summer")
    with connection.cursor() as cursor:  # leave the planner nothing else, to see whether it could use it
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = searched.explain()

    assert "albumrecord_name_trgm" in plan


def test_agency_staff_see_what_was_sent_through_the_agency_merged_in_date_order(client, agency, staff):
    AlbumRecordFactory(created_by=staff, name="Own", created_at=START + timedelta(hours=1))
    AlbumRecordFactory(created_by=agency.user, name="Manager", connection=agency, for_member=True, created_at=START)
    AlbumRecordFactory(created_by=agency.user, name="Manager own account", created_at=START + timedelta(hours=2))
    client.force_login(staff)

    response = client.get(LIST)

    assert names_on(response) == ["Own", "Manager"]
    senders = dict(response.context["filter_form"].fields["sent_by"].choices)
    assert set(senders.values()) == {"Anyone", staff.username, agency.user.username}
    assert names_on(client.get(LIST, {"sent_by": agency.user.pk})) == ["Manager"]


# session, user, the second factor the session passed (agency staff must have one), agency connections,
# the senders to choose from, rows and capped count of each of the two parts (own records, the
# agency's).
AGENCY_LIST_QUERIES = 9


@pytest.mark.parametrize("size", [0, HISTORY_PAGE_SIZE + 1, 3 * HISTORY_PAGE_SIZE])
def test_an_agency_history_page_runs_the_same_queries_at_any_size(client, agency, staff, django_assert_num_queries, size):
    make_records(staff, size)
    make_records(agency.user, size, connection=agency, for_member=True)
    client.force_login(staff)

    with django_assert_num_queries(AGENCY_LIST_QUERIES):
        response = client.get(LIST, {"status": "created"})

    assert len(names_on(response)) == min(2 * size, HISTORY_PAGE_SIZE)


def unknown_record(client, standin) -> AlbumRecord:
    standin.fault("error", status=500, match=CREATE, times=1)
    post_album(client)
    return AlbumRecord.objects.get(status=AlbumRecord.Status.UNKNOWN)


def test_the_record_of_an_unknown_attempt_offers_check_again_but_not_send_again(signed_in, standin):
    record = unknown_record(signed_in, standin)

    page = signed_in.get(record.get_absolute_url()).content.decode()

    assert "Check again" in page and reverse("album_check", args=[record.pk]) in page
    assert "Send again" not in page


def test_check_again_finds_an_album_that_arrived_later(signed_in, standin):
    standin.fault("late", match=CREATE, delay=1.5, times=1)
    post_album(signed_in)
    record = AlbumRecord.objects.get(status=AlbumRecord.Status.UNKNOWN)
    assert "did not list this album" in signed_in.get(record.get_absolute_url()).content.decode()
    assert wait_for(lambda: any(album["AlbumName"] == "Look" for album in standin.albums(100001)))

    response = signed_in.post(reverse("album_check", args=[record.pk]), follow=True)

    assert "It was created" in response.content.decode()
    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.CREATED and len(standin.requests(CREATE)) == 1


def test_check_again_confirms_absence_after_the_settle_time_then_send_again_creates_a_linked_attempt(signed_in, standin, settings):
    record = unknown_record(signed_in, standin)
    settings.AW_OUTCOME_SETTLE_SECONDS = 0

    checked = signed_in.post(reverse("album_check", args=[record.pk]), follow=True).content.decode()

    assert "nothing was created" in checked and "Send again" in checked
    response = signed_in.post(reverse("album_send_again", args=[record.pk]))
    again = AlbumRecord.objects.get(retry_of=record)
    assert response.status_code == 302 and response["Location"] == again.get_absolute_url()
    assert again.status == AlbumRecord.Status.CREATED and len(standin.requests(CREATE)) == 2
    assert "sends again" in signed_in.get(again.get_absolute_url()).content.decode()
    assert "see that attempt" in signed_in.get(record.get_absolute_url()).content.decode()


def test_send_again_of_an_attempt_not_proven_absent_sends_nothing(signed_in, standin):
    record = unknown_record(signed_in, standin)

    response = signed_in.post(reverse("album_send_again", args=[record.pk]), follow=True)

    assert "known never to have received" in response.content.decode()
    assert len(standin.requests(CREATE)) == 1


def test_users_see_only_their_own_records(signed_in):
    mine = AlbumRecordFactory(created_by=signed_in.user, name="Mine")
    theirs = AlbumRecordFactory(name="Theirs")

    listing = signed_in.get(reverse("album_list")).content.decode()

    assert "Mine" in listing and "Theirs" not in listing
    assert signed_in.get(mine.get_absolute_url()).status_code == 200
    assert signed_in.get(theirs.get_absolute_url()).status_code == 404


def test_names_render_escaped(signed_in):
    record = AlbumRecordFactory(created_by=signed_in.user, name="<script>x</script>", description="<b>d</b>")
    for url in (reverse("album_list"), record.get_absolute_url(), reverse("dashboard")):
        page = signed_in.get(url).content.decode()
        assert "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_the_pin_is_shown_once_after_creating_and_then_only_on_request(signed_in, standin):
    created = post_album(signed_in, pin_number="q9Z4", pin_price="2")
    record = AlbumRecord.objects.get()

    first = signed_in.get(created["Location"])
    again = signed_in.get(created["Location"])
    shown = signed_in.post(reverse("album_pin_reveal", args=[record.pk]))

    assert '<code class="pin" id="album-pin">q9Z4</code>' in first.content.decode()
    assert "q9Z4" not in again.content.decode() and "Show PIN" in again.content.decode()
    assert shown.status_code == 200 and '<code class="pin" id="album-pin">q9Z4</code>' in shown.content.decode()
    for response in (first, again, shown):
        assert "no-store" in response["Cache-Control"]


def test_the_session_holds_no_pin_only_which_record_to_show_once(signed_in, standin):
    post_album(signed_in, pin_number="q9Z4", pin_price="2")
    session = signed_in.session
    assert "q9Z4" not in repr(dict(session.items()))
    assert session["aw_pin_once"] == AlbumRecord.objects.get().pk


def test_an_album_without_a_pin_offers_no_pin_to_show(signed_in, standin):
    created = post_album(signed_in)
    page = signed_in.get(created["Location"]).content.decode()
    record = AlbumRecord.objects.get()
    assert 'id="album-pin"' not in page and "Show PIN" not in page
    assert signed_in.post(reverse("album_pin_reveal", args=[record.pk])).status_code == 404


def test_only_the_owner_can_show_a_pin_and_only_by_posting(signed_in, standin):
    post_album(signed_in, pin_number="q9Z4", pin_price="2")
    record = AlbumRecord.objects.get()
    reveal = reverse("album_pin_reveal", args=[record.pk])
    someone_else = Client()
    someone_else.force_login(UserFactory())

    assert someone_else.post(reveal).status_code == 404
    assert signed_in.get(reveal).status_code == 405
