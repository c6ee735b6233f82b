"""CreateAlbum's body rules, written from the API's documentation page.

The server is ASP.NET Web API: Json.NET reads the body (property names matched
without regard to case, later duplicates win) and DataAnnotations-style checks
report every failing field at once. Error keys are the model's property names;
the caller adds the ModelState prefix.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

NAME_MAX_LENGTH = 20
PIN_PATTERN = "^[A-Za-z0-9]{4}$"
PIN_PRICE_MAX = Decimal("999999999.999")
PIN_PRICE_MAX_PLACES = 3
INT32_RANGE = range(-(2**31), 2**31)

_PIN = re.compile("[A-Za-z0-9]{4}")
_NUMERIC_STRING = re.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)")
_DOTNET_SPACE_CATEGORIES = ("Zs", "Zl", "Zp")


class _JsonObject(list):
    """An object's members as (name, value) pairs, keeping duplicates for the last-wins rule."""


class UnreadableBody(Exception):
    """Not a JSON object: Web API answers with no ModelState at all."""


@dataclass
class AlbumRequest:
    user_id: int | None
    name: str
    description: str | None
    pin_number: str | None
    pin_price: Decimal | None
    album_id: int | None = None


@dataclass
class RemoveRequest:
    user_id: int | None
    album_id: int
    remove_all_pictures: bool


def _refuse_constant(literal: str) -> Any:
    raise ValueError(f"{literal} is not JSON")


def read_json_object(body: bytes) -> dict[str, tuple[str, Any]]:
    """Members keyed by upper-cased name, each as (name as sent, value)."""
    try:
        document = json.loads(
            body.decode("utf-8-sig"),
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_JsonObject,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise UnreadableBody from error
    if not isinstance(document, _JsonObject):
        raise UnreadableBody
    return {name.upper(): (name, value) for name, value in document}


def is_json_object(value: Any) -> bool:
    """Whether a value read by read_json_object was a JSON object (kept as pairs) rather than an array."""
    return isinstance(value, _JsonObject)


def utf16_length(text: str) -> int:
    """Length as .NET's string.Length counts it: characters beyond the BMP are two."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_dotnet_blank(text: str) -> bool:
    """string.IsNullOrWhiteSpace, whose idea of white space differs from str.isspace."""
    return all(
        char in "\t\n\v\f\r\x85" or unicodedata.category(char) in _DOTNET_SPACE_CATEGORIES for char in text
    )


def _conversion_error(sent_name: str, value: Any, dotnet_type: str) -> str:
    if isinstance(value, (list, dict)):
        opener = "{" if isinstance(value, _JsonObject) else "["
        return f"Unexpected character encountered while parsing value: {opener}. Path '{sent_name}'."
    shown = {True: "True", False: "False"}.get(value) if isinstance(value, bool) else None
    if shown is None:
        shown = f'"{value}"' if isinstance(value, str) else str(value)
    return f"Error converting value {shown} to type '{dotnet_type}'. Path '{sent_name}'."


def _decimal_places(value: Decimal) -> int:
    """Places after the point once trailing zeros go, counted exactly (no context rounding)."""
    sign, digits, exponent = value.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros))


class _Checker:
    def __init__(self, members: dict[str, tuple[str, Any]]) -> None:
        self.members = members
        self.errors: dict[str, list[str]] = {}

    def value(self, field: str) -> tuple[str, Any]:
        return self.members.get(field.upper(), (field, None))

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def string(self, field: str) -> str | None:
        sent_name, value = self.value(field)
        if value is None or isinstance(value, str):
            return value
        self.refuse(field, _conversion_error(sent_name, value, "System.String"))
        return None

    def required_int(self, field: str) -> int | None:
        sent_name, value = self.value(field)
        if value is None:
            self.refuse(field, f"The {field} field is required.")
        elif type(value) is not int or value not in INT32_RANGE:
            self.refuse(field, _conversion_error(sent_name, value, "System.Int32"))
        else:
            return value
        return None

    def boolean(self, field: str) -> bool:
        """Json.NET reads true/false, the strings "true"/"false" in any case, and integers (non-zero is true)."""
        sent_name, value = self.value(field)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if type(value) is int:
            return value != 0
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.refuse(field, _conversion_error(sent_name, value, "System.Boolean"))
        return False

    def name(self) -> str | None:
        sent_name, value = self.value("Name")
        if value is not None and not isinstance(value, str):
            self.refuse("Name", _conversion_error(sent_name, value, "System.String"))
        elif value is None or _is_dotnet_blank(value):
            self.refuse("Name", "The Name field is required.")
        elif utf16_length(value) > NAME_MAX_LENGTH:
            self.refuse("Name", f"The field Name must be a string with a maximum length of {NAME_MAX_LENGTH}.")
        else:
            return value
        return None

    def pin_number(self) -> str | None:
        value = self.string("PinNumber")
        if value is not None and not _PIN.fullmatch(value):
            self.refuse("PinNumber", f"The field PinNumber must match the regular expression '{PIN_PATTERN}'.")
        return value

    def pin_price(self) -> Decimal | None:
        sent_name, value = self.value("PINPrice")
        if value is None:
            return None
        if isinstance(value, str) and _NUMERIC_STRING.fullmatch(value):
            value = Decimal(value)
        elif isinstance(value, str):
            self.refuse("PINPrice", f"Could not convert string to decimal: {value}. Path '{sent_name}'.")
            return None
        elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.refuse("PINPrice", _conversion_error(sent_name, value, "System.Decimal"))
            return None
        price = Decimal(value)
        if price <= 0:
            self.refuse("PINPrice", "The field PINPrice must be greater than 0.")
        elif price > PIN_PRICE_MAX:
            self.refuse("PINPrice", f"The field PINPrice must not be greater than {PIN_PRICE_MAX}.")
        elif _decimal_places(price) > PIN_PRICE_MAX_PLACES:
            self.refuse("PINPrice", f"The field PINPrice must have at most {PIN_PRICE_MAX_PLACES} decimal places.")
        return price


_FIELD_ORDER = ("UserID", "AlbumID", "Name", "Description", "PinNumber", "PINPrice", "RemoveAllPictures")


def _ordered(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {field: errors[field] for field in _FIELD_ORDER if field in errors}


def check_album_request(
    members: dict[str, tuple[str, Any]], *, for_member: bool, with_album_id: bool = False
) -> tuple[AlbumRequest | None, dict[str, list[str]]]:
    """The request when valid, else None and the errors by property name.

    CreateAlbum's body; with `with_album_id`, UpdateAlbum's, which is the same fields and the AlbumID
    of the album to change.
    """
    checker = _Checker(members)
    user_id = checker.required_int("UserID") if for_member else None
    album_id = checker.required_int("AlbumID") if with_album_id else None
    name = checker.name()
    description = checker.string("Description")
    pin_number = checker.pin_number()
    pin_price = checker.pin_price()
    # "Set" means present and not null; a present but invalid value still counts.
    pin_set = checker.value("PinNumber")[1] is not None
    price_set = checker.value("PINPrice")[1] is not None
    if pin_set and not price_set:
        checker.refuse("PINPrice", "The PINPrice is required when setting the PinNumber.")
    if price_set and not pin_set:
        checker.refuse("PinNumber", "The PinNumber is required when setting the PINPrice.")
    if checker.errors:
        return None, _ordered(checker.errors)
    return AlbumRequest(user_id, name, description, pin_number, pin_price, album_id), {}


def check_remove_request(
    members: dict[str, tuple[str, Any]], *, for_member: bool
) -> tuple[RemoveRequest | None, dict[str, list[str]]]:
    """RemoveAlbum's body: AlbumID, and RemoveAllPictures (false when absent or null)."""
    checker = _Checker(members)
    user_id = checker.required_int("UserID") if for_member else None
    album_id = checker.required_int("AlbumID")
    remove_all_pictures = checker.boolean("RemoveAllPictures")
    if checker.errors:
        return None, _ordered(checker.errors)
    return RemoveRequest(user_id, album_id, remove_all_pictures), {}
