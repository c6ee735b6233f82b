"""Pictures made safe to send: checked, turned upright and re-encoded as JPEG with no metadata at all.

A picture's metadata can say where it was taken (GPS), with which camera (serial numbers), by whom
(XMP, IPTC) and can carry a small copy of the original (the EXIF thumbnail, which an editor may not
have cropped). None of it leaves the portal: only the pixels are kept, and a new JPEG is written from
them. The orientation EXIF gives is applied to the pixels first, so the picture is not turned.

An ICC colour profile is not kept either (it can name the device that made it): a picture that has
one is converted to sRGB first, which is what a JPEG without a profile is taken to be.

Cost is linear in the pixels, which are bounded by `max_pixels` before anything is decoded: a
picture needs 3 bytes a pixel in memory, twice that for a moment while it is turned.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# HEIC (iPhones) through pillow-heif; its embedded thumbnails are never needed.
register_heif_opener(thumbnails=False)

# Pillow's own guard against decompression bombs warns above MAX_IMAGE_PIXELS and refuses at twice
# that. The portal checks the pixel count itself before decoding (picture_prepare's max_pixels); as a
# second line, Pillow's warning is made an error for the whole process, so an oversized picture
# can never be decoded with only a log line to show for it. The limit is set per call from the setting.
warnings.simplefilter("error", Image.DecompressionBombWarning)
ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is refused, never half decoded

# Pillow's format name -> the name a person knows it by. MPO is the JPEG some cameras write with a
# second (3D or depth) picture after the first; only the first is kept.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
# The only decoders Pillow may try: a file is never parsed as TIFF, PSD, ... whatever it claims to be.
# (MPO is opened by the JPEG decoder.)
DECODERS = ["JPEG", "PNG", "WEBP", "HEIF"]
ACCEPTED_NAMES = "JPEG, PNG, WebP or HEIC"
# Formats that can hold an animation; an animation is refused rather than cut to its first frame.
ANIMATED_FORMATS = {"PNG", "WEBP"}
JPEG_QUALITY = 90
# What decoders raise on broken data: truncated streams, bad chunk lengths, impossible headers.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)
SRGB = ImageCms.createProfile("sRGB")


class PictureRefused(Exception):
    """A picture the portal will not send; `message` names the file and says why."""

    def __init__(self, *, file_name: str, reason: str) -> None:
        self.file_name = file_name
        self.reason = reason
        self.message = f"{file_name}: {reason}"
        super().__init__(self.message)


class PictureNotSupported(PictureRefused):
    """Not a JPEG, PNG, WebP or HEIC picture (whatever its name says), or an animation."""


class PictureUnreadable(PictureRefused):
    """Corrupt or truncated."""


class PictureTooLarge(PictureRefused):
    """More pixels than allowed (or bytes, when the upload handler refuses it)."""


@dataclass(frozen=True)
class PreparedPicture:
    jpeg: bytes
    width: int
    height: int


def picture_prepare(*, path: Path, file_name: str, max_pixels: int) -> PreparedPicture:
    """The picture at `path` as a new JPEG with no metadata, upright; `file_name` (as the user named
    it) is only for messages. Raises a PictureRefused subclass."""
    Image.MAX_IMAGE_PIXELS = max_pixels  # the same limit for Pillow's own check, see above
    try:
        with Image.open(path, formats=DECODERS) as image:
            _check(image, file_name=file_name, max_pixels=max_pixels)
            try:
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                clean = _as_srgb(image)
            except DECODE_ERRORS:
                raise PictureUnreadable(
                    file_name=file_name, reason="the picture is damaged or incomplete and cannot be read."
                ) from None
    except UnidentifiedImageError:
        raise PictureNotSupported(
            file_name=file_name, reason=f"this is not a {ACCEPTED_NAMES} picture (whatever its name says)."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(file_name, max_pixels) from None
    except DECODE_ERRORS:  # a header that parses far enough to be recognised, then breaks
        raise PictureUnreadable(
            file_name=file_name, reason="the picture is damaged or incomplete and cannot be read."
        ) from None
    return _jpeg(clean)


def _too_many_pixels(file_name: str, max_pixels: int) -> PictureTooLarge:
    return PictureTooLarge(
        file_name=file_name,
        reason=f"the picture is larger than {max_pixels / 1_000_000:g} megapixels; make it smaller and try again.",
    )


def _check(image: Image.Image, *, file_name: str, max_pixels: int) -> None:
    """Everything that can be known from the header, before a single pixel is decoded."""
    if image.format not in ACCEPTED_FORMATS:  # defensive: `formats` already limits the decoders
        raise PictureNotSupported(file_name=file_name, reason=f"only {ACCEPTED_NAMES} pictures can be added.")
    width, height = image.size
    if width < 1 or height < 1:
        raise PictureUnreadable(file_name=file_name, reason="the picture has no pixels.")
    if width * height > max_pixels:
        raise _too_many_pixels(file_name, max_pixels)
    if image.format in ANIMATED_FORMATS and getattr(image, "is_animated", False):
        raise PictureNotSupported(
            file_name=file_name, reason="this is an animation; only still pictures can be added."
        )


def _as_srgb(image: Image.Image) -> Image.Image:
    """RGB (or greyscale) pixels in sRGB, transparency laid on white, nothing else kept."""
    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        rgb = flat
    elif image.mode in ("RGB", "L"):
        rgb = image
    elif image.mode.startswith("I"):  # 16-bit greyscale PNG: scaled to 8 bits, where convert("L") would clip
        rgb = image.point(lambda value: value / 256).convert("L")
    else:  # CMYK, YCbCr, P without transparency, 1
        rgb = image.convert("RGB")
    if profile and rgb.mode == "RGB":
        rgb = _to_srgb(rgb, profile)
    rgb.info = {}  # Pillow's JPEG writer reuses a source's comment (and would reuse more in future)
    return rgb


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unreadable profile: its colours are taken as sRGB, and the profile is dropped


def _jpeg(image: Image.Image) -> PreparedPicture:
    out = io.BytesIO()
    # Nothing but pixels: no exif, icc_profile, xmp, comment or dpi is passed, and image.info is empty.
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return PreparedPicture(jpeg=out.getvalue(), width=image.width, height=image.height)
