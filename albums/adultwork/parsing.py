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
MESSAGE_MAX_LENGTH = 500
MAX_FIELD_ERRORS = 50


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


def error_details(content_type: str, text: str) -> tuple[str, dict[str, list[str]]]:
    """The API's own `Message` and `ModelState` from an error body; empty when there are none."""
    try:
        body = decode_body(content_type, text)
    except UnreadableBody:
        return "", {}
    if not isinstance(body, dict):
        return "", {}
    message = body.get("Message") or body.get("message") or body.get("error_description") or ""
    model_state = body.get("ModelState") or {}
    field_errors: dict[str, list[str]] = {}
    kept = 0
    if isinstance(model_state, dict):
        for key, messages in model_state.items():
            if isinstance(messages, str):
                messages = [messages]
            elif not isinstance(messages, list):
                continue
            for text in filter(None, messages[: MAX_FIELD_ERRORS - kept]):
                field = _field_name(text_shown(key, max_length=100))
                field_errors.setdefault(field, []).append(text_shown(text, max_length=MESSAGE_MAX_LENGTH))
                kept += 1
    return text_shown(message, max_length=MESSAGE_MAX_LENGTH), field_errors


# The action's parameter name (camelCase: `request.`, `model.`) before a property path (PascalCase).
_PARAMETER_PREFIX = re.compile(r"^[a-z]\w*\.(?=.)")
# XML element names cannot hold `[` or `]`: .NET writes them as _x005B_ and _x005D_.
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _field_name(model_state_key: str) -> str:
    """`request.Name`, `model.Name` and `Name` all name the field `Name`, and `request.Pictures[1].Image`
    names `Pictures[1].Image` (which picture matters); a bare prefix names none."""
    if model_state_key in {"request", "model", ""}:
        return ""
    key = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), model_state_key)
    return _PARAMETER_PREFIX.sub("", key)
