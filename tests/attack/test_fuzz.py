"""Every form and query-string filter of the portal, fed generated input over HTTP (gunicorn,
PostgreSQL, Redis): never a 5xx, the input comes back when a form is refused, and nothing is
recorded other than what was asked. How long an answer takes is `make bench`'s to measure."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from albums.models import AlbumRecord, Connection, Member
from tests.factories import FIRST_GROUP_MEMBER_ID, ManagerConnectionFactory, UserFactory, roster

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
AWKWARD = "\x00\x01\t\n\r\x1c\x7f\x85\xa0\u200b\u202e\u2066\ufeff\u3000\u0665\uff15é😀<>&\"'%+;="
text = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(AWKWARD)), max_size=30)
long_text = st.integers(min_value=1000, max_value=200_000).map(lambda n: "x" * n)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " 1 ", "٥", "５", "2_000", "1E+2", "1.", ".5", "0x10", "1,5", "9" * 3000]),
    st.integers(min_value=0, max_value=200_000).map(lambda n: "1." + "0" * n),
    text,
)
dates = st.one_of(st.dates().map(str), st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "٢٠٢٦-٠١-٠١"]), text)
values = st.one_of(text, numbers, long_text)
# A query string must fit gunicorn's request line (4094 bytes), or gunicorn answers 414 itself.
def short(strategy):
    return strategy.filter(lambda value: len(value.encode()) < 300)


query_values = st.one_of(
    short(text),
    short(numbers),
    st.integers(min_value=30, max_value=300).map(lambda n: "x" * n),
    st.sampled_from(["\x00", "a\x00b", "9999-12-31", "-1", "0", "1_9999999999999999999"]),
)


class Inputs(HTMLParser):
    """The value each named input, and the text each textarea, of a page holds."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "name" in attrs:
            self.values.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def kept(page: str, sent: dict[str, str], names: tuple[str, ...]) -> None:
    """The refused form comes back with what was typed in `names` (as an HTML parser reads it back)."""
    shown = Inputs(page).values
    for name in names:
        # A textarea's first line break belongs to the markup; HTML reads CR LF and CR as LF.
        expected = sent[name].replace("\r\n", "\n").replace("\r", "\n")
        assert shown[name].removeprefix("\n").replace("\r\n", "\n").replace("\r", "\n") == expected, name


@pytest.fixture(scope="module")
def agency_sessions(committed, attacker):
    def make():
        connection = ManagerConnectionFactory(user=UserFactory(username="fuzz-manager"))
        roster(connection, range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + 3))
        return connection, UserFactory(username="fuzz-unconnected")

    connection, unconnected = committed(make)
    return connection, attacker(connection.user), attacker(unconnected)


@pytest.fixture(scope="module")
def manager(agency_sessions):
    connection, session, _ = agency_sessions
    session.token = session.csrf_token("/albums/new/")
    session.agency = connection
    return session


def no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


# --- Query-string filters -------------------------------------------------------------------------

HISTORY_FILTERS = ("name", "status", "member", "sent_by", "created_from", "created_to", "sort", "after", "before")


@FUZZ
@given(query=st.dictionaries(st.sampled_from(HISTORY_FILTERS), st.one_of(query_values, dates), max_size=5))
def test_the_history_and_its_export_answer_any_filter(manager, query):
    for path in ("/albums/", "/albums/export.csv"):
        response = manager.get(path, params=query)
        assert response.status_code == 200, (path, query)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["member"]), query_values, max_size=1), album_id=st.integers(1, 2**40))
def test_the_gallery_and_its_album_pages_answer_any_member(manager, query, album_id):
    for path in ("/gallery/", f"/gallery/{album_id}/edit/", f"/gallery/{album_id}/remove/", f"/gallery/{album_id}/pictures/"):
        no_server_error(manager.get(path, params=query))


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["q", "agency", "page"]), query_values, max_size=3))
def test_the_member_pages_answer_any_search(manager, query):
    for path in ("/members/", "/albums/new/member/", "/albums/bulk/new/", "/albums/bulk/"):
        no_server_error(manager.get(path, params=query))


# --- Forms -----------------------------------------------------------------------------------------

album_fields = st.fixed_dictionaries(
    {"name": st.one_of(text, long_text), "description": st.one_of(text, long_text), "pin_number": text, "pin_price": numbers},
)
keys = st.one_of(st.builds(lambda: str(uuid.uuid4())), st.sampled_from(["", "x", "0" * 5000]))


def assert_recorded_as_asked(response, fields: dict[str, str]) -> None:
    """A created album carries the name typed (as the form normalises it); a refused form records nothing."""
    records = list(AlbumRecord.objects.filter(submission_key=fields["submission_key"]))
    if response.status_code == 302 and "/albums/bulk/" not in response.headers["Location"]:
        (record,) = records
        assert record.name == fields["name"].replace("\x00", "").strip()
    elif response.status_code == 200:
        assert all(record.status == AlbumRecord.Status.FAILED and record.error_message for record in records)
        kept(response.text, fields, ("name", "description"))


@FUZZ
@given(fields=album_fields, key=keys)
def test_the_create_form_answers_any_input(manager, fields, key):
    fields = {**fields, "submission_key": key}
    response = manager.submit("/albums/new/", fields, token=manager.token)
    no_server_error(response)
    if key and len(key) == 36:
        assert_recorded_as_asked(response, fields)


@FUZZ
@given(fields=album_fields, member=st.one_of(st.just(str(FIRST_GROUP_MEMBER_ID)), numbers))
def test_the_member_form_answers_any_input(manager, fields, member):
    fields = {**fields, "member": member, "submission_key": str(uuid.uuid4())}
    response = manager.submit("/albums/new/member/", fields, token=manager.token)
    no_server_error(response)
    assert_recorded_as_asked(response, fields)


@FUZZ
@given(
    fields=album_fields,
    members=st.lists(st.one_of(st.just(str(FIRST_GROUP_MEMBER_ID)), numbers), max_size=3),
    all_members=st.sampled_from(["", "on", "x"]),
    agency=st.one_of(st.just(""), query_values),
)
def test_the_bulk_form_answers_any_input(manager, fields, members, all_members, agency):
    fields = {**fields, "members": members, "all_members": all_members, "agency": agency, "submission_key": str(uuid.uuid4())}
    response = manager.submit("/albums/bulk/new/", fields, token=manager.token)
    no_server_error(response)
    if response.status_code == 200:
        kept(response.text, fields, ("name", "description"))


@FUZZ
@given(aw_user_id=numbers, nickname=st.one_of(text, long_text))
def test_the_member_add_form_answers_any_input(manager, aw_user_id, nickname):
    path = f"/members/agency/{manager.agency.pk}/add/"
    response = manager.submit(path, {"aw_user_id": aw_user_id, "nickname": nickname}, token=manager.token)
    no_server_error(response)
    if response.status_code == 302:
        member = Member.objects.get(connection=manager.agency, aw_user_id=int(aw_user_id))
        assert member.nickname == nickname.strip()
    else:
        kept(response.text, {"nickname": nickname}, ("nickname",))


@FUZZ
@given(member=st.one_of(st.just(""), numbers))
def test_the_sync_form_answers_any_input(manager, member):
    no_server_error(manager.submit("/albums/sync/", {"member": member}, token=manager.token))


@FUZZ
@given(access_token=st.one_of(text, long_text))
def test_the_token_form_answers_any_input(agency_sessions, access_token):
    _, _, unconnected = agency_sessions
    response = unconnected.submit("/connect/", {"access_token": access_token}, page="/connect/")
    no_server_error(response)
    assert not Connection.objects.filter(user__username="fuzz-unconnected").exists()
