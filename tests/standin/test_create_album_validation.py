"""CreateAlbum's body rules, as the seed documentation page states them, checked over HTTP."""

import pytest

INVALID = "The request is invalid."
NAME_REQUIRED = "The Name field is required."
NAME_TOO_LONG = "The field Name must be a string with a maximum length of 20."
PIN_PATTERN = "The field PinNumber must match the regular expression '^[A-Za-z0-9]{4}$'."
PRICE_NEEDS_PIN = "The PinNumber is required when setting the PINPrice."
PIN_NEEDS_PRICE = "The PINPrice is required when setting the PinNumber."


def model_state(response) -> dict:
    assert response.status_code == 400, response.text
    document = response.json()
    assert document["Message"] == INVALID
    return document["ModelState"]


def test_name_only_is_enough(aw):
    response = aw.create_album({"Name": "Look at my pictures"})
    assert response.status_code == 200
    assert response.json()["AlbumName"] == "Look at my pictures"


@pytest.mark.parametrize(
    "body",
    [{}, {"Name": None}, {"Name": ""}, {"Name": "   "}, {"Name": "\t\n"}, {"Name": "\u00a0\u2003\u3000"}],
    ids=["absent", "null", "empty", "spaces", "tab-newline", "unicode-spaces"],
)
def test_missing_or_blank_name_is_required(aw, body):
    assert model_state(aw.create_album(body)) == {"request.Name": [NAME_REQUIRED]}


def test_name_of_characters_dotnet_does_not_call_white_space_is_accepted(aw):
    # Python's isspace() says yes to the information separators; .NET's IsWhiteSpace says no.
    assert aw.create_album({"Name": "\x1c\x1d"}).status_code == 200


def test_name_is_not_trimmed(aw):
    assert aw.create_album({"Name": "  padded  "}).json()["AlbumName"] == "  padded  "


@pytest.mark.parametrize("name", [123, True, ["x"], {"a": 1}], ids=["number", "bool", "array", "object"])
def test_name_that_is_not_a_json_string_is_refused(aw, name):
    errors = model_state(aw.create_album({"Name": name}))
    assert list(errors) == ["request.Name"]
    assert len(errors["request.Name"]) == 1


def test_name_of_twenty_characters_is_accepted(aw):
    assert aw.create_album({"Name": "x" * 20}).status_code == 200


def test_name_of_twenty_one_characters_is_too_long(aw):
    assert model_state(aw.create_album({"Name": "x" * 21})) == {"request.Name": [NAME_TOO_LONG]}


def test_name_length_counts_utf16_units_so_ten_emoji_fit(aw):
    assert aw.create_album({"Name": "\U0001f600" * 10}).status_code == 200


def test_name_length_counts_utf16_units_so_an_emoji_counts_two(aw):
    # 20 code points, but 21 UTF-16 units, as .NET's string.Length counts them.
    name = "x" * 19 + "\U0001f600"
    assert len(name) == 20
    assert model_state(aw.create_album({"Name": name})) == {"request.Name": [NAME_TOO_LONG]}


def test_name_of_accented_bmp_characters_counts_one_each(aw):
    assert aw.create_album({"Name": "é" * 20}).status_code == 200


def test_description_is_optional_nullable_and_unlimited(aw):
    assert aw.create_album({"Name": "a", "Description": None}).status_code == 200
    long_description = "d" * 5000
    assert aw.create_album({"Name": "a", "Description": long_description}).json()["AlbumDescription"] == long_description


def test_description_that_is_not_a_string_is_refused(aw):
    assert list(model_state(aw.create_album({"Name": "a", "Description": 5}))) == ["request.Description"]


@pytest.mark.parametrize("pin", ["ab12", "ABCD", "0000", "aZ9q"])
def test_pin_of_four_ascii_letters_or_digits_with_a_price_is_accepted(aw, pin):
    assert aw.create_album({"Name": "a", "PinNumber": pin, "PINPrice": 5}).status_code == 200


@pytest.mark.parametrize(
    "pin",
    ["abc", "abcde", "ab-1", "ab 1", "abé1", "\uff11\uff12\uff13\uff14", "١٢٣٤", "", "ab12\n"],
    ids=["three", "five", "dash", "space", "accented", "fullwidth-digits", "arabic-digits", "empty", "trailing-newline"],
)
def test_pin_that_is_not_four_ascii_letters_or_digits_is_refused(aw, pin):
    assert model_state(aw.create_album({"Name": "a", "PinNumber": pin, "PINPrice": 5})) == {
        "request.PinNumber": [PIN_PATTERN]
    }


def test_pin_given_as_a_number_is_refused(aw):
    assert list(model_state(aw.create_album({"Name": "a", "PinNumber": 1234, "PINPrice": 5}))) == [
        "request.PinNumber"
    ]


def test_pin_without_price_asks_for_the_price(aw):
    assert model_state(aw.create_album({"Name": "a", "PinNumber": "ab12"})) == {"request.PINPrice": [PIN_NEEDS_PRICE]}


def test_price_without_pin_asks_for_the_pin(aw):
    assert model_state(aw.create_album({"Name": "a", "PINPrice": 5})) == {"request.PinNumber": [PRICE_NEEDS_PIN]}


def test_null_pin_and_null_price_mean_not_set(aw):
    assert aw.create_album({"Name": "a", "PinNumber": None, "PINPrice": None}).status_code == 200


@pytest.mark.parametrize(
    "price",
    ["1", "1.5", "0.001", "999999999.999", "1.5000", "2.1200", "1E+2", "1e-3", '"12.345"', '"7"'],
)
def test_price_that_is_positive_with_at_most_three_places_is_accepted(aw, price):
    body = f'{{"Name": "a", "PinNumber": "ab12", "PINPrice": {price}}}'.encode()
    assert aw.create_raw(body).status_code == 200


@pytest.mark.parametrize(
    "price",
    ["0", "-1", "0.0", "-0", "0.0001", "1.2345", "1000000000", "999999999.9991", "1e-4", '"abc"', "true", '"1,5"', "[1]"],
)
def test_price_that_is_not_positive_with_at_most_three_places_is_refused(aw, price):
    body = f'{{"Name": "a", "PinNumber": "ab12", "PINPrice": {price}}}'.encode()
    assert list(model_state(aw.create_raw(body))) == ["request.PINPrice"]


def test_price_with_many_digits_is_judged_exactly_not_as_a_float(aw):
    # As a float this is 1.0; as a decimal it has 31 places.
    body = b'{"Name": "a", "PinNumber": "ab12", "PINPrice": 1.0000000000000000000000000000001}'
    assert list(model_state(aw.create_raw(body))) == ["request.PINPrice"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_json_number_literals_make_the_whole_body_invalid(aw, literal):
    response = aw.create_raw(f'{{"Name": "a", "PinNumber": "ab12", "PINPrice": {literal}}}'.encode())
    assert response.status_code == 400
    assert response.json() == {"Message": INVALID}


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b'{"Name": "a"', b"[]", b'["Name"]', b'"Name"', b"null", b"42", b"\xff\xfe"],
    ids=["empty", "text", "truncated", "empty-array", "array", "string", "null", "number", "bad-utf8"],
)
def test_body_that_is_not_a_json_object_is_invalid_without_model_state(aw, body):
    response = aw.create_raw(body)
    assert response.status_code == 400
    assert response.json() == {"Message": INVALID}


def test_field_names_are_matched_without_regard_to_case(aw):
    response = aw.create_album({"name": "lower", "DESCRIPTION": "upper", "pinnumber": "ab12", "pinprice": "1.5"})
    assert response.status_code == 200
    assert response.json()["AlbumName"] == "lower"
    assert response.json()["AlbumDescription"] == "upper"


def test_later_duplicate_field_wins(aw):
    response = aw.create_raw(b'{"Name": "first", "name": "second"}')
    assert response.json()["AlbumName"] == "second"


def test_unknown_fields_are_ignored(aw):
    assert aw.create_album({"Name": "a", "Colour": "blue", "AlbumID": 7}).status_code == 200


def test_every_field_error_is_reported_together(aw):
    errors = model_state(aw.create_album({"Name": "x" * 21, "Description": [], "PinNumber": "abc"}))
    assert errors == {
        "request.Name": [NAME_TOO_LONG],
        "request.Description": [errors["request.Description"][0]],
        "request.PinNumber": [PIN_PATTERN],
        "request.PINPrice": [PIN_NEEDS_PRICE],
    }


@pytest.mark.parametrize("prefix", ["model.", ""])
def test_model_state_prefix_is_configurable(aw, prefix):
    aw.control("POST", "config", {"modelstate_prefix": prefix})
    assert model_state(aw.create_album({})) == {f"{prefix}Name": [NAME_REQUIRED]}


def test_utf8_byte_order_mark_is_tolerated(aw):
    assert aw.create_raw(b'\xef\xbb\xbf{"Name": "bom"}').status_code == 200


def test_lone_surrogate_in_a_name_is_answered_as_a_replacement_character(aw):
    response = aw.create_raw(b'{"Name": "a\\ud800b"}')
    assert response.status_code == 200
    assert response.json()["AlbumName"] == "a\ufffdb"


def test_refused_request_creates_no_album(aw):
    aw.create_album({"Name": ""})
    assert aw.control("GET", "stats")["albums_created"] == 0
