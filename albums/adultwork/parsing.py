"""Turning AdultWork's answers (JSON, or .NET DataContract XML) into plain Python values."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
# Lone surrogates (JSON's "\ud800") cannot be encoded as UTF-8, so neither stored nor shown.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
ELLIPSIS = "\u2026"
# AdultWork's own error messages, as kept for the user and the history.


class UnreadableBody(ValueError):
    """The body is not JSON or XML we can read (HTML error page, garbage, truncated, empty)."""


def text_cleaned(value: str, *, max_length: int) -> tuple[str, bool]:
    """`value` as the portal can store and show it, and whether that changed it: without NUL
    characters (PostgreSQL cannot store them), lone surrogates as U+FFFD, and at most `max_length`
    characters, the last an ellipsis when cut. Linear in the length of `value`."""
    cleaned = _LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    if len(cleaned) > max_length:
        cleaned = cleaned[: max_length - 1] + ELLIPSIS
    return cleaned, cleaned != value


def text_shown(value: Any, *, max_length: int = 40) -> str:
    """A value from an answer, cleaned and short enough to quote in a message."""
    return text_cleaned(str(value), max_length=max_length)[0]


def looks_like_html(content_type: str, text: str) -> bool:
    head = text.lstrip()[:15].lower()
    return "html" in content_type or head.startswith(("<!doctype html", "<html"))


def decode_body(content_type: str, text: str) -> Any:
    """Decode a body by its Content-Type, falling back on its first character when that is missing."""
    content_type = content_type.lower()
    stripped = text.lstrip()
    if not stripped:
        raise UnreadableBody("empty body")
    if looks_like_html(content_type, stripped):
        raise UnreadableBody("an HTML page")
    if "xml" in content_type or (not content_type and stripped.startswith("<")):
        return _decode_xml(stripped)
    if "json" in content_type or stripped[0] in "{[":
        return _decode_json(stripped)
    raise UnreadableBody(f"unexpected content type {content_type or 'none'}")


def _reject_constant(name: str) -> Any:
    raise UnreadableBody(f"non-standard JSON constant {name}")


def _decode_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise UnreadableBody(f"malformed JSON ({exc.msg})") from None
    except ValueError:  # an integer of more digits than Python converts
        raise UnreadableBody("a number too long to read") from None


def _decode_xml(text: str) -> Any:
    try:
        root = SafeET.fromstring(text)
    except (ParseError, DefusedXmlException) as exc:
        raise UnreadableBody(f"malformed XML ({type(exc).__name__})") from None
    return _element_value(root)


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element_value(element: Element) -> Any:
    if element.get(XSI_NIL) == "true":
        return None
    children = list(element)
    if not children:
        return element.text or ""
    if _local_name(element.tag).startswith("ArrayOf"):
        return [_element_value(child) for child in children]
    mapping: dict[str, Any] = {}
    for child in children:
        name, value = _local_name(child.tag), _element_value(child)
        if name in mapping:  # repeated elements are a list in DataContract XML
            if not isinstance(mapping[name], list):
                mapping[name] = [mapping[name]]
            mapping[name].append(value)
        else:
            mapping[name] = value
    return mapping


# How much of a server's own error text the portal keeps: enough for a sentence or two, never a page.
ERROR_TEXT_LIMIT = 300
# How many messages of one error answer the portal keeps; an answer may list thousands.
ERROR_MESSAGES_LIMIT = 20
# Where the error shapes in use keep a field's name and its message (ASP.NET ModelState and
# ProblemDetails `errors`, FastAPI and Pydantic `detail`, JSON:API `errors`, plain `{field, message}`).
_FIELD_KEYS = ("field", "Field", "name", "property", "PropertyName", "propertyName", "param", "loc", "source")
_MESSAGE_KEYS = ("message", "Message", "msg", "ErrorMessage", "errorMessage", "detail", "title", "description")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def error_text(value: Any) -> str:
    """A server's error text as one line of at most ERROR_TEXT_LIMIT characters ("" when not text)."""
    if not isinstance(value, (str, int, Decimal)) or isinstance(value, bool):
        return ""
    raw = str(value).replace("\x00", "")  # removed, as everywhere text from AdultWork is kept (text_cleaned)
    text = _CONTROL.sub(" ", raw[: 2 * ERROR_TEXT_LIMIT]).strip()
    if len(text) <= ERROR_TEXT_LIMIT and len(raw) <= 2 * ERROR_TEXT_LIMIT:
        return text
    return text[: ERROR_TEXT_LIMIT - 1].rstrip() + "…"


class _Details:
    """The general messages and per-field messages of one error answer, in order, bounded."""

    def __init__(self) -> None:
        self.general: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self.count = 0

    def add(self, field: str, message: Any) -> None:
        text = error_text(message)
        if not text or self.count >= ERROR_MESSAGES_LIMIT:
            return
        self.count += 1
        if field:
            self.fields.setdefault(field, []).append(text)
        elif text not in self.general:
            self.general.append(text)

    def collect(self, value: Any, field: str = "") -> None:
        """Messages from a mapping of field to message(s), a list of messages or of error objects."""
        if isinstance(value, dict):
            for key, messages in list(value.items())[:ERROR_MESSAGES_LIMIT]:
                for message in messages if isinstance(messages, list) else [messages]:
                    self.add(_field_name(text_shown(key, max_length=100)), _message_of(message))
        elif isinstance(value, list):
            for item in value[:ERROR_MESSAGES_LIMIT]:
                if isinstance(item, dict):
                    self.add(_field_of(item) or field, _message_of(item))
                else:
                    self.add(field, item)
        else:
            self.add(field, value)


def _message_of(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return next((item[key] for key in _MESSAGE_KEYS if error_text(item.get(key))), "")


def _field_of(item: dict) -> str:
    for key in _FIELD_KEYS:
        value = item.get(key)
        if isinstance(value, dict):  # JSON:API: {"source": {"pointer": "/data/attributes/Name"}}
            value = value.get("pointer") or value.get("parameter")
        if isinstance(value, list):  # Pydantic: {"loc": ["body", "Name"]}
            value = value[-1] if value else ""
        if isinstance(value, str) and value:
            return _field_name(value)
    return ""


def error_details(content_type: str, text: str) -> tuple[str, dict[str, list[str]]]:
    """What an error answer says: its general message (or messages, joined) and its messages by field,
    whatever shape it takes: `Message` and `ModelState` (ASP.NET Web API), `title`, `detail` and
    `errors` (ProblemDetails; `errors` a mapping or a list), `detail` as a list (FastAPI), a bare list
    of errors, `error_description` (OAuth). Empty when it says nothing readable."""
    try:
        body = decode_body(content_type, text)
    except UnreadableBody:
        return "", {}
    if isinstance(body, list):
        body = {"errors": body}
    if not isinstance(body, dict):
        return "", {}
    details = _Details()
    for key in ("Message", "message", "error_description", "title", "detail"):
        if not isinstance(body.get(key), (dict, list)):
            details.add("", body.get(key))
    for key in ("ModelState", "modelState", "errors", "Errors", "detail"):
        if isinstance(body.get(key), (dict, list)):
            details.collect(body[key])
    return error_text(" ".join(details.general)), details.fields


# The action's parameter name (camelCase: `request.`, `model.`) before a property path (PascalCase).
_PARAMETER_PREFIX = re.compile(r"^[a-z]\w*\.(?=.)")
# XML element names cannot hold `[` or `]`: .NET writes them as _x005B_ and _x005D_.
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _field_name(key: str) -> str:
    """`request.Name`, `model.Name`, `$.Name`, `/data/attributes/Name` (a JSON pointer) and `Name` all name
    the field `Name`, and `request.Pictures[1].Image` names `Pictures[1].Image` (which picture matters);
    a bare prefix names none."""
    if key.startswith("/"):
        key = key.rsplit("/", 1)[-1]
    key = key.removeprefix("$.").strip()
    if key in {"request", "model", "body", "$", ""}:
        return ""
    key = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), key)
    return _PARAMETER_PREFIX.sub("", key)
