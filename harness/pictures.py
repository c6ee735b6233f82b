"""Photos for the tests and bench/ alike, made with Pillow and a small EXIF writer of our own, carrying
everything a phone or camera puts in a photo: GPS, serial numbers, orientation, a thumbnail, XMP,
IPTC and a comment. And a JPEG segment lister to prove what came out carries none of it."""

from __future__ import annotations

import io
import struct

from PIL import Image

# A place (the Eiffel tower) and a camera, to look for afterwards.
GPS_LATITUDE = ((48, 1), (51, 1), (2976, 100))
GPS_LONGITUDE = ((2, 1), (17, 1), (4008, 100))
CAMERA_SERIAL = "SERIAL-4711-0815"
CAMERA_MAKE = "PortalTestCam"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Jane Doe"/></rdf:RDF></x:xmpmeta>'
)
IPTC_BYLINE = b"Jane Doe, 12 Rue Secret"
COMMENT = b"shot at home"

_ASCII, _SHORT, _LONG, _RATIONAL = 2, 3, 4, 5


def _entry(tag: int, kind: int, value) -> tuple[int, int, int, bytes]:
    if kind == _ASCII:
        payload = value.encode("ascii") + b"\0"
        return tag, kind, len(payload), payload
    if kind == _SHORT:
        return tag, kind, 1, struct.pack("<H", value)
    if kind == _LONG:
        return tag, kind, 1, struct.pack("<I", value)
    payload = b"".join(struct.pack("<II", *pair) for pair in value)
    return tag, kind, len(value), payload


def _ifd_size(entries) -> int:
    extra = sum(len(p) + len(p) % 2 for *_, p in entries if len(p) > 4)
    return 2 + 12 * len(entries) + 4 + extra


def _ifd(entries, offset: int, next_ifd: int = 0) -> bytes:
    table, data = struct.pack("<H", len(entries)), b""
    data_offset = offset + 2 + 12 * len(entries) + 4
    for tag, kind, count, payload in sorted(entries):
        if len(payload) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + payload.ljust(4, b"\0")
        else:
            table += struct.pack("<HHII", tag, kind, count, data_offset + len(data))
            data += payload + b"\0" * (len(payload) % 2)
    return table + struct.pack("<I", next_ifd) + data


def exif_block(*, orientation: int = 1, gps: bool = True, serial: bool = True, thumbnail: bool = True) -> bytes:
    """An APP1 Exif payload ("Exif\\0\\0" + little-endian TIFF): IFD0 (make, orientation), the Exif IFD
    (body serial), the GPS IFD and IFD1 with a JPEG thumbnail."""
    exif_ifd = [_entry(0xA431, _ASCII, CAMERA_SERIAL)] if serial else [_entry(0x9000, _ASCII, "0232")]
    gps_ifd = [
        _entry(0x0001, _ASCII, "N"),
        _entry(0x0002, _RATIONAL, GPS_LATITUDE),
        _entry(0x0003, _ASCII, "E"),
        _entry(0x0004, _RATIONAL, GPS_LONGITUDE),
    ]
    ifd0 = [_entry(0x010F, _ASCII, CAMERA_MAKE), _entry(0x0112, _SHORT, orientation), _entry(0x8769, _LONG, 0)]
    if gps:
        ifd0.append(_entry(0x8825, _LONG, 0))
    thumb = _small_jpeg() if thumbnail else b""
    ifd1 = [_entry(0x0103, _SHORT, 6), _entry(0x0201, _LONG, 0), _entry(0x0202, _LONG, len(thumb))]
    # Layout: header, IFD0, Exif IFD, GPS IFD, IFD1, thumbnail.
    at_ifd0 = 8
    at_exif = at_ifd0 + _ifd_size(ifd0)
    at_gps = at_exif + _ifd_size(exif_ifd)
    at_ifd1 = at_gps + (_ifd_size(gps_ifd) if gps else 0)
    at_thumb = at_ifd1 + _ifd_size(ifd1)
    ifd0 = [e for e in ifd0 if e[0] not in (0x8769, 0x8825)] + [_entry(0x8769, _LONG, at_exif)]
    if gps:
        ifd0.append(_entry(0x8825, _LONG, at_gps))
    ifd1 = [_entry(0x0103, _SHORT, 6), _entry(0x0201, _LONG, at_thumb), _entry(0x0202, _LONG, len(thumb))]
    tiff = b"II*\0" + struct.pack("<I", at_ifd0)
    tiff += _ifd(ifd0, at_ifd0, next_ifd=at_ifd1 if thumbnail else 0)
    tiff += _ifd(exif_ifd, at_exif)
    if gps:
        tiff += _ifd(gps_ifd, at_gps)
    if thumbnail:
        tiff += _ifd(ifd1, at_ifd1) + thumb
    return b"Exif\0\0" + tiff


def _small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


def iptc_segment() -> bytes:
    """An APP13 segment (Photoshop 3.0, 8BIM resource 0x0404) with an IPTC by-line."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(IPTC_BYLINE)) + IPTC_BYLINE
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(record)) + record
    resource += b"\0" * (len(record) % 2)
    payload = b"Photoshop 3.0\0" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def halves(size: tuple[int, int] = (60, 40)) -> Image.Image:
    """Left half red, right half blue: after a turn, where the red is says which way it went."""
    image = Image.new("RGB", size, (220, 0, 0))
    image.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def tagged_jpeg(image: Image.Image | None = None, *, orientation: int = 6, quality: int = 90) -> bytes:
    """A JPEG with EXIF (GPS, serial, orientation, thumbnail), XMP, IPTC and a comment."""
    out = io.BytesIO()
    (image or halves()).save(
        out, format="JPEG", quality=quality, exif=exif_block(orientation=orientation), xmp=XMP, comment=COMMENT
    )
    data = out.getvalue()
    return data[:2] + iptc_segment() + data[2:]


MARKER_NAMES = {0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI", 0xFE: "COM"}
MARKER_NAMES |= {0xE0 + n: f"APP{n}" for n in range(16)}
MARKER_NAMES |= {0xC0 + n: f"SOF{n}" for n in (0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15)}


def jpeg_segments(data: bytes) -> list[tuple[str, bytes]]:
    """(marker, first bytes of its payload) for every segment up to the first SOS."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    found, at = [], 2
    while at + 4 <= len(data):
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        name = MARKER_NAMES.get(marker, f"0x{marker:02X}")
        found.append((name, data[at + 4 : at + 4 + min(length - 2, 32)]))
        if name == "SOS":
            break
        at += 2 + length
    return found
