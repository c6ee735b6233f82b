"""The Create album form applies CreateAlbum's own rules."""

import uuid

import pytest
from django.http import QueryDict

from albums.forms import (
    PIN_ALPHABET,
    AccessTokenForm,
    AlbumForm,
    HistoryFilterForm,
    MemberAddForm,
    MemberSearchForm,
    pin_generate,
    pin_guessable_reason,
    utf16_length,
)


def bound(**fields):
    return AlbumForm({"submission_key": str(uuid.uuid4()), **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "A"},
        {"name": "x" * 20},
        {"name": "  padded name  "},
        {"name": "é" * 20},
        {"name": "😀" * 10},
        {"name": "Look", "description": "My new album!"},
        {"name": "Look", "pin_number": "aB3x", "pin_price": "1.573"},
        {"name": "Look", "pin_number": "8351", "pin_price": "0.001"},
        {"name": "Look", "pin_number": "ZQWK", "pin_price": "999999999.999"},
        {"name": "Look", "pin_number": "ZQWK", "pin_price": "999999999.9990"},
        {"name": "Look", "pin_number": "ZQWK", "pin_price": "5."},
        {"name": "Look", "pin_number": "ZQWK", "pin_price": ".5"},
        {"name": "e\u0301t\u00e9 \u2014 \u6625"},  # a combining accent shows on its letter
    ],
)
def test_accepts_what_createalbum_accepts(fields):
    form = bound(**fields)
    assert form.is_valid(), form.errors


REFUSED = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 21}, "name"),
    ({"name": "😀" * 11}, "name"),  # 11 emoji are 22 UTF-16 units, as .NET counts
    ({"name": "Look", "pin_number": "abc", "pin_price": "1"}, "pin_number"),
    ({"name": "Look", "pin_number": "abcde", "pin_price": "1"}, "pin_number"),
    ({"name": "Look", "pin_number": "ab-1", "pin_price": "1"}, "pin_number"),
    ({"name": "Look", "pin_number": "äbcd", "pin_price": "1"}, "pin_number"),
    ({"name": "Look", "pin_number": "aB3x"}, "pin_price"),
    ({"name": "Look", "pin_price": "2"}, "pin_number"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "0"}, "pin_price"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "-1"}, "pin_price"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "0.0001"}, "pin_price"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "NaN"}, "pin_price"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "Infinity"}, "pin_price"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "1000000000"}, "pin_price"),
    ({"name": "Look", "pin_number": "aB3x", "pin_price": "two"}, "pin_price"),
]


@pytest.mark.parametrize(("fields", "field"), REFUSED)
def test_refuses_what_createalbum_refuses_on_the_right_field(fields, field):
    form = bound(**fields)
    assert not form.is_valid()
    assert field in form.errors


def test_name_is_sent_without_surrounding_whitespace():
    form = bound(name="  Look  ")
    assert form.is_valid()
    assert form.cleaned_data["name"] == "Look"


def test_text_is_sent_without_nul_characters_which_postgresql_cannot_store():
    form = bound(name="Lo\x00ok", description="\x00 a\x00b ")
    assert form.is_valid()
    assert (form.cleaned_data["name"], form.cleaned_data["description"]) == ("Look", "ab")


@pytest.mark.parametrize(("typed", "sent"), [("1.5000", "1.5"), (" 2.50 ", "2.5"), ("000.500", "0.5"), ("7.", "7"), ("0.001", "0.001")])
def test_a_price_is_sent_exactly_without_trailing_zeros(typed, sent):
    form = bound(name="Look", pin_number="aB3x", pin_price=typed)
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["pin_price"]) == sent


@pytest.mark.parametrize(("fields", "both"), [({"pin_number": "abc"}, "pin_price"), ({"pin_price": "two"}, "pin_number")])
def test_half_a_pin_pair_asks_for_the_other_half_even_when_it_is_invalid(fields, both):
    form = bound(name="Look", **fields)
    assert not form.is_valid()
    assert set(form.errors) == {"pin_number", "pin_price"}


def test_labels_are_those_of_the_issue():
    labels = {name: field.label for name, field in AlbumForm().fields.items() if name != "submission_key"}
    assert labels == {"name": "Name", "description": "Description", "pin_number": "PIN number", "pin_price": "PIN price"}


def test_each_rendered_form_gets_its_own_submission_key():
    assert AlbumForm()["submission_key"].value() != AlbumForm()["submission_key"].value()


def test_utf16_length_counts_astral_characters_twice():
    assert utf16_length("a😀") == 3


@pytest.mark.parametrize("token", ["demo-member-token", "a.b_c~d+e/f==", "x" * 4000])
def test_an_access_token_in_bearer_syntax_is_accepted(token):
    assert AccessTokenForm({"access_token": token}).is_valid()


@pytest.mark.parametrize("token", ["two words", "line\nbreak", "tök", "emoji😀", "x@evil.example", "a=b", "x" * 4001])
def test_an_access_token_that_could_not_travel_in_a_header_is_refused(token):
    assert "access_token" in AccessTokenForm({"access_token": token}).errors
    assert utf16_length("a😀") == 3


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("0000", "one character repeated"),
        ("aaaa", "one character repeated"),
        ("AaAa", "one character repeated"),
        ("1234", "a straight run"),
        ("4321", "a straight run"),
        ("0123", "a straight run"),
        ("abcd", "a straight run"),
        ("DCBA", "a straight run"),
        ("wXyZ", "a straight run"),
        ("1212", "a pair repeated"),
        ("abAB", "a pair repeated"),
        ("6969", "a pair repeated"),
        ("1900", "it looks like a year"),
        ("2026", "it looks like a year"),
        ("2099", "it looks like a year"),
        ("1122", "it is one of the most used PINs"),
        ("QWER", "it is one of the most used PINs"),
    ],
)
def test_guessable_pins_are_refused_though_the_api_would_take_them(pin, reason):
    assert pin_guessable_reason(pin) == reason
    form = bound(name="Look", pin_number=pin, pin_price="2")
    assert not form.is_valid()
    [message] = form.errors["pin_number"]
    assert f"easy to guess ({reason})" in message


@pytest.mark.parametrize("pin", ["aB3x", "7391", "1899", "2100", "abce", "1235", "a1b2", "9a8b", "zyxa", "Kq7m"])
def test_pins_off_those_patterns_are_not_guessable(pin):
    assert pin_guessable_reason(pin) is None


def test_the_refusal_suggests_a_generated_pin():
    form = bound(name="Look", pin_number="1234", pin_price="2")
    form.is_valid()
    suggestion = form.errors["pin_number"][0].rsplit(" ", 1)[1].rstrip(".")
    assert pin_guessable_reason(suggestion) is None and set(suggestion) <= set(PIN_ALPHABET)
    assert bound(name="Look", pin_number=suggestion, pin_price="2").is_valid()


def test_generated_pins_are_valid_unguessable_and_varied():
    pins = [pin_generate() for _ in range(500)]
    assert all(bound(name="Look", pin_number=pin, pin_price="1").is_valid() for pin in pins[:50])
    assert all(len(pin) == 4 and set(pin) <= set(PIN_ALPHABET) and pin_guessable_reason(pin) is None for pin in pins)
    assert len(set(pins)) > 490  # 55**4 PINs: repeats among 500 are rare
    assert set("".join(pins)) == set(PIN_ALPHABET)  # every character gets drawn


def test_generated_pins_leave_out_characters_that_are_easily_misread():
    assert not set("0O1lI") & set(PIN_ALPHABET)


@pytest.mark.parametrize(
    "price",
    ["٥", "５", "2_000", "1E+2", "1e3", "+1", "-1", "1,5", "1 000", "0x10", "1.2.3", "١٢", "1\x00", "1." + "0" * 100],
)
def test_a_price_is_read_only_as_ascii_digits_with_one_point_and_a_few_characters(price):
    form = bound(name="Look", pin_number="aB3x", pin_price=price)
    assert not form.is_valid()
    assert form.errors["pin_price"] == ["Enter a number of credits in digits, with at most one decimal point, such as 2.5."]


def test_a_two_megabyte_price_is_refused_by_its_length_alone():
    form = bound(name="Look", pin_number="aB3x", pin_price="1." + "0" * 2_000_000)
    assert form.errors["pin_price"][0].startswith("Enter a number of credits")


@pytest.mark.parametrize(
    "name",
    ["\u200b", "\ufeff", "\u200b\u200c\u200d\u2060", " \u200b ", "a\u202eb", "x\u2066y\u2069", "a\tb", "a\nb", "a\x01b", "a\x7fb"],
)
def test_a_name_nobody_can_read_as_it_is_is_refused_though_the_api_would_take_it(name):
    form = bound(name=name)
    assert not form.is_valid()
    assert form.errors["name"][0].startswith("Use a name people can read")


@pytest.mark.parametrize("user_id", ["٥", "５", "2_000", "1E+2", "1.0", "-5", "0", str(2**31), "9" * 5000])
def test_a_userid_is_ascii_digits_within_int32(user_id):
    form = MemberAddForm({"aw_user_id": user_id, "nickname": "Ann"})
    assert not form.is_valid()
    assert set(form.errors) == {"aw_user_id"}


def test_a_userid_in_digits_is_read():
    form = MemberAddForm({"aw_user_id": " 2147483647 ", "nickname": "Ann"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["aw_user_id"] == 2**31 - 1


@pytest.mark.parametrize("nickname", ["\u200b\u200b", "Ann\u202e"])
def test_a_member_label_nobody_can_read_is_refused(nickname):
    assert "nickname" in MemberAddForm({"aw_user_id": "5", "nickname": nickname}).errors


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "Choose a date from the year 2000 to 2999."),
        ("0001-01-01", "Choose a date from the year 2000 to 2999."),
        ("٢٠٢٦-٠١-٠١", "Enter a date as YYYY-MM-DD, such as 2026-05-31."),
        ("2026-02-30", "Enter a date as YYYY-MM-DD, such as 2026-05-31."),
        ("12/31/2026", "Enter a date as YYYY-MM-DD, such as 2026-05-31."),
    ],
)
def test_a_history_date_outside_what_a_date_input_sends_is_refused_and_narrows_nothing(day, message):
    form = HistoryFilterForm(QueryDict(f"created_to={day}"), senders=[])
    assert form.filters().created_to is None
    assert form.errors["created_to"] == [message]


def test_a_member_search_that_fails_validation_searches_for_nothing_and_says_why():
    search = MemberSearchForm({"q": "\x00"})
    assert search.query == ""
    assert search.errors["q"]


@pytest.mark.parametrize("key", ["", "x", "0" * 5000])
def test_every_form_with_a_submission_key_says_when_it_was_altered_and_carries_a_fresh_one(key):
    from albums.forms import AlbumRemoveForm

    form = AlbumRemoveForm({"submission_key": key})

    assert not form.is_valid()
    assert form.non_field_errors() == [
        "This form's submission key was missing or altered, so nothing was sent. Check the form and send it again."
    ]
    assert uuid.UUID(form["submission_key"].value()) and "submission_key" not in form.errors
