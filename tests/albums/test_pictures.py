"""Pictures come out as upright JPEGs with nothing but pixels; anything else is refused by name."""

import io
import zlib

import pillow_heif
import pytest
from PIL import Image, PngImagePlugin

from albums.pictures import (
    PictureNotSupported,
    PictureTooLarge,
    PictureUnreadable,
    picture_prepare,
)
from harness.pictures import (
    CAMERA_MAKE,
    CAMERA_SERIAL,
    COMMENT,
    IPTC_BYLINE,
    exif_block,
    halves,
    jpeg_segments,
    tagged_jpeg,
)

MAX_PIXELS = 1_000_000
# All a re-encoded JPEG may hold before its picture data: JFIF header, tables, frame, scan.
PIXELS_ONLY = {"APP0", "DQT", "DHT", "SOF0", "SOS"}


def prepare(tmp_path, data: bytes, name: str = "photo.jpg", max_pixels: int = MAX_PIXELS):
    path = tmp_path / "upload"
    path.write_bytes(data)
    return picture_prepare(path=path, file_name=name, max_pixels=max_pixels)


def saved(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def assert_pixels_only(jpeg: bytes) -> None:
    segments = jpeg_segments(jpeg)
    assert {name for name, _ in segments} <= PIXELS_ONLY, segments
    for secret in (b"Exif", CAMERA_SERIAL.encode(), CAMERA_MAKE.encode(), IPTC_BYLINE, COMMENT, b"xap/1.0", b"Jane"):
        assert secret not in jpeg
    opened = Image.open(io.BytesIO(jpeg))
    assert opened.format == "JPEG"
    assert not opened.getexif()
    assert not {"exif", "xmp", "icc_profile", "photoshop", "comment"} & set(opened.info)


def test_a_phone_photo_comes_out_upright_with_no_location_camera_xmp_iptc_thumbnail_or_comment(tmp_path):
    original = tagged_jpeg(halves((60, 40)), orientation=6)
    # The test picture does carry all of it, as Pillow reads it.
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(0x8825)[2] and source.getexif().get_ifd(0x8769)[0xA431] == CAMERA_SERIAL
    assert {"xmp", "photoshop", "comment"} <= set(source.info)

    prepared = prepare(tmp_path, original)

    assert_pixels_only(prepared.jpeg)
    picture = Image.open(io.BytesIO(prepared.jpeg))
    # Orientation 6: stored landscape, shown turned a quarter clockwise, so the red left half is on top.
    assert (prepared.width, prepared.height) == picture.size == (40, 60)
    assert picture.getpixel((20, 5))[0] > 180 and picture.getpixel((20, 55))[2] > 180


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [(1, (60, 40), (5, 20)), (3, (60, 40), (55, 20)), (8, (40, 60), (20, 55)), (2, (60, 40), (55, 20))],
)
def test_every_orientation_is_applied_to_the_pixels(tmp_path, orientation, size, red_at):
    prepared = prepare(tmp_path, tagged_jpeg(halves((60, 40)), orientation=orientation))

    picture = Image.open(io.BytesIO(prepared.jpeg))
    assert picture.size == size
    assert picture.getpixel(red_at)[0] > 180


def test_png_text_chunks_and_exif_are_dropped_and_transparency_lies_on_white(tmp_path):
    image = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    image.paste((10, 200, 10, 255), (0, 0, 15, 20))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jane Doe")
    text.add_itxt("GPS", "48.85 N 2.29 E", zip=True)
    original = saved(image, "PNG", pnginfo=text, exif=exif_block(orientation=1))
    assert Image.open(io.BytesIO(original)).text["Author"] == "Jane Doe"

    prepared = prepare(tmp_path, original, "shot.png")

    assert_pixels_only(prepared.jpeg)
    picture = Image.open(io.BytesIO(prepared.jpeg))
    assert picture.getpixel((5, 10))[1] > 180
    assert min(picture.getpixel((25, 10))) > 240  # transparent became white, not black


def test_webp_with_exif_and_xmp_is_accepted_and_stripped(tmp_path):
    original = saved(halves(), "WEBP", exif=exif_block(orientation=6), xmp=b"<x:xmpmeta>Jane</x:xmpmeta>")
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)

    prepared = prepare(tmp_path, original, "shot.webp")

    assert_pixels_only(prepared.jpeg)
    assert (prepared.width, prepared.height) == (40, 60)


def test_heic_from_an_iphone_is_accepted_stripped_and_turned_once(tmp_path):
    heif = pillow_heif.from_pillow(halves())
    out = io.BytesIO()
    heif.save(out, exif=exif_block(orientation=6), quality=90)

    prepared = prepare(tmp_path, out.getvalue(), "IMG_0001.HEIC")

    assert_pixels_only(prepared.jpeg)
    # pillow-heif turns the picture as it decodes and resets the tag: it must not be turned twice.
    picture = Image.open(io.BytesIO(prepared.jpeg))
    assert picture.size == (40, 60) and picture.getpixel((20, 5))[0] > 180


def test_a_colour_profile_is_applied_then_dropped(tmp_path):
    from PIL import ImageCms

    wide = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # any profile but sRGB
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for profile in (srgb, wide, b"not a profile"):
        prepared = prepare(tmp_path, saved(halves(), "JPEG", icc_profile=profile))
        assert_pixels_only(prepared.jpeg)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("party.jpg", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                      b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"),
        ("logo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
        ("invoice.jpg", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"),
        ("scan.jpg", b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
        ("empty.jpg", b""),
        ("notes.jpg", b"plain text, not a picture"),
    ],
)
def test_anything_that_is_not_jpeg_png_webp_or_heic_is_refused_whatever_its_name(tmp_path, name, data):
    with pytest.raises(PictureNotSupported) as refused:
        prepare(tmp_path, data, name)

    assert refused.value.file_name == name
    assert refused.value.message.startswith(f"{name}: ")
    assert "JPEG, PNG, WebP or HEIC" in refused.value.message


def test_a_real_gif_and_a_bmp_are_refused_too(tmp_path):
    for format in ("GIF", "BMP", "TIFF"):
        with pytest.raises(PictureNotSupported):
            prepare(tmp_path, saved(halves(), format), f"x.{format.lower()}")


def test_an_animation_is_refused_rather_than_cut_to_one_frame(tmp_path):
    frames = [halves(), halves().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    data = saved(frames[0], "WEBP", save_all=True, append_images=frames[1:])

    with pytest.raises(PictureNotSupported, match="animation"):
        prepare(tmp_path, data, "moving.webp")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_jpeg_is_refused_as_damaged(tmp_path, cut):
    whole = saved(Image.effect_noise((200, 200), 64).convert("RGB"), "JPEG")

    with pytest.raises(PictureUnreadable, match="damaged") as refused:
        prepare(tmp_path, whole[: int(len(whole) * cut)], "cut.jpg")

    assert refused.value.file_name == "cut.jpg"


def test_a_png_with_a_broken_checksum_is_refused_as_damaged(tmp_path):
    whole = bytearray(saved(Image.effect_noise((64, 64), 64), "PNG"))
    idat = whole.index(b"IDAT")
    whole[idat + 10 : idat + 30] = bytes(20)  # corrupt the compressed pixels

    with pytest.raises(PictureUnreadable):
        prepare(tmp_path, bytes(whole), "broken.png")


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb, refused before decoding."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(1001, 1000), (2001, 1000), (60_000, 60_000)])
def test_a_decompression_bomb_is_refused_from_its_header_at_any_size(tmp_path, width, height):
    # Just over the limit, past Pillow's own twice-the-limit error, and far past it.
    with pytest.raises(PictureTooLarge, match="1 megapixels") as refused:
        prepare(tmp_path, _png_header_claiming(width, height), "bomb.png")

    assert refused.value.file_name == "bomb.png"


def test_a_picture_at_the_pixel_limit_is_accepted(tmp_path):
    prepared = prepare(tmp_path, saved(halves((1000, 1000)), "PNG"), max_pixels=1_000_000)

    assert (prepared.width, prepared.height) == (1000, 1000)


@pytest.mark.parametrize("mode", ["L", "CMYK", "P", "I;16", "LA", "1"])
def test_other_pixel_formats_come_out_as_plain_jpeg(tmp_path, mode):
    image = halves().convert(mode) if mode != "I;16" else Image.new("I;16", (60, 40), 40000)
    format = "JPEG" if mode in ("L", "CMYK") else "PNG"

    prepared = prepare(tmp_path, saved(image, format), f"x.{format.lower()}")

    assert_pixels_only(prepared.jpeg)
    assert Image.open(io.BytesIO(prepared.jpeg)).mode in ("RGB", "L")


def test_16_bit_grey_is_scaled_to_8_bits_not_clipped_white(tmp_path):
    prepared = prepare(tmp_path, saved(Image.new("I;16", (20, 20), 40000), "PNG"), "scan.png")

    assert abs(Image.open(io.BytesIO(prepared.jpeg)).getpixel((10, 10)) - 40000 / 256) <= 2
