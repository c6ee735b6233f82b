"""API answers as ASP.NET Web API writes them: Json.NET JSON or DataContract XML."""

import json
import re
from dataclasses import dataclass
from typing import Any

from .exchange import Response

PICTURES_NS = "http://schemas.datacontract.org/2004/07/API.Models.Pictures"
MODELS_NS = "http://schemas.datacontract.org/2004/07/API.Models"
INSTANCE_NS = "http://www.w3.org/2001/XMLSchema-instance"
ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
SERIALIZATION_NS = "http://schemas.microsoft.com/2003/10/Serialization/"

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"

# The CreateAlbum sample shows PictureIDs carrying this declaration even when nil:
# on the server it is a .NET collection, serialised in the Arrays namespace.
_NIL_EXTRAS = {("PictureAlbum", "PictureIDs"): f' xmlns:d2p1="{ARRAYS_NS}"'}

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# .NET's writer emits control characters as character references (\r too, so it
# survives line-end normalisation), even those XML 1.0 forbids.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f]")


@dataclass(frozen=True)
class Obj:
    type: str
    namespace: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Many:
    type: str  # of the items
    namespace: str
    items: list[Obj] | list[int]


@dataclass(frozen=True)
class HttpError:
    message: str
    model_state: dict[str, list[str]] | None = None


def wants_xml(accept: str | None, force_format: str | None) -> bool:
    """Web API content negotiation, reduced to the two formats the API offers."""
    if force_format is not None:
        return force_format == "xml"
    media_kinds = {"application/json": "json", "text/json": "json", "application/xml": "xml", "text/xml": "xml"}
    best: dict[str, tuple[float, int]] = {}  # kind -> (quality, position) of its best entry
    for position, part in enumerate((accept or "").split(",")):
        media, *params = [piece.strip() for piece in part.split(";")]
        kind = media_kinds.get(media.lower())
        if kind is None:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > best.get(kind, (0.0, 0))[0]:
            best[kind] = (quality, position)
    xml_q, xml_position = best.get("xml", (0.0, 0))
    json_q, json_position = best.get("json", (0.0, 0))
    # Higher quality wins; on a tie the type listed first does.
    return xml_q > 0 and (xml_q > json_q or (xml_q == json_q and xml_position < json_position))


def plain(value: Any) -> Any:
    if isinstance(value, Obj):
        return {name: plain(item) for name, item in value.fields.items()}
    if isinstance(value, Many):
        return [plain(item) for item in value.items]
    if isinstance(value, HttpError):
        error: dict[str, Any] = {"Message": value.message}
        if value.model_state is not None:
            error["ModelState"] = value.model_state
        return error
    return value


def encode_text(text: str) -> bytes:
    # A lone surrogate (valid in a JSON string, so in a stored album name) cannot be
    # UTF-8; .NET's encoder writes U+FFFD in its place.
    return _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")


def to_json(value: Any) -> bytes:
    return encode_text(json.dumps(plain(value), ensure_ascii=False, separators=(",", ":")))


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _XML_UNSAFE.sub(lambda m: f"&#x{ord(m.group()):X};", text)


def _xml_members(owner: str, fields: dict[str, Any]) -> str:
    parts = []
    # DataContract orders members by ordinal name, which is Python's default string order.
    for name in sorted(fields):
        value = fields[name]
        if value is None:
            parts.append(f'<{name}{_NIL_EXTRAS.get((owner, name), "")} i:nil="true" />')
        elif isinstance(value, Many):
            parts.append(f"<{name}>{_xml_items(value)}</{name}>")
        elif isinstance(value, Obj):
            parts.append(f"<{name}>{_xml_members(value.type, value.fields)}</{name}>")
        else:
            parts.append(f"<{name}>{_xml_text(value)}</{name}>")
    return "".join(parts)


def _xml_items(many: Many) -> str:
    return "".join(
        f"<{item.type}>{_xml_members(item.type, item.fields)}</{item.type}>"
        if isinstance(item, Obj)
        else f"<{many.type}>{_xml_text(item)}</{many.type}>"  # a list of numbers: <ArrayOfint><int>1</int>
        for item in many.items
    )


def _xml_name(key: str) -> str:
    """A ModelState key as an element name: XmlConvert.EncodeLocalName writes `[` as `_x005B_`."""
    return re.sub(r"[^\w.\-]", lambda m: f"_x{ord(m.group()):04X}_", key)


def to_xml(value: Obj | Many | HttpError | bool) -> bytes:
    if isinstance(value, bool):  # a bare primitive, as DataContractSerializer writes one
        return encode_text(f'<boolean xmlns="{SERIALIZATION_NS}">{_xml_text(value)}</boolean>')
    if isinstance(value, HttpError):
        inner = f"<Message>{_xml_text(value.message)}</Message>"
        if value.model_state is not None:
            entries = "".join(
                f"<{_xml_name(key)}>{_xml_text(message)}</{_xml_name(key)}>"
                for key, messages in value.model_state.items()
                for message in messages
            )
            inner += f"<ModelState>{entries}</ModelState>"
        return encode_text(f"<Error>{inner}</Error>")
    declarations = f'xmlns:i="{INSTANCE_NS}" xmlns="{value.namespace}"'
    if isinstance(value, Many):
        root = f"ArrayOf{value.type}"
        return encode_text(f"<{root} {declarations}>{_xml_items(value)}</{root}>")
    return encode_text(f"<{value.type} {declarations}>{_xml_members(value.type, value.fields)}</{value.type}>")


def api_response(status: int, value: Obj | Many | HttpError | bool, as_xml: bool) -> Response:
    if as_xml:
        return Response(status, to_xml(value), XML_TYPE)
    return Response(status, to_json(value), JSON_TYPE)
