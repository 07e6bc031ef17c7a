"""Images: the one safe way to open a photo (size limits, upright, plain sRGB, one exception), and
photos stored once by content hash under the newsroom's media/."""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError
from sqlalchemy import Connection, insert, select

from pipeline import store as t
from pipeline import words
from pipeline.fsutil import atomic_write
from pipeline.model import ImageRef

MAX_IMAGE_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 40_000_000
"""The most pixels a photo may have, checked from its header before any pixel is decoded: a file of
a few kilobytes can declare gigabytes of pixels (a decompression bomb). 40 megapixels holds what
phones and most cameras make (12–24 MP, 36 MP full frame) at 120 MB decoded, while cards, clips and
the site's widest rendition need a few megapixels at most."""
MAX_JPEG_PIXELS = 64_000_000
"""JPEGs may be larger (45–61 MP cameras): they are decoded at a half, quarter or eighth of their
size when a smaller image is wanted, so a big one costs no more memory than a 40 MP PNG."""

DECODABLE = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP")
"""Formats the opener decodes: not every Pillow plugin, since some run external tools."""
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp"), "GIF": ("gif", "image/gif")}
"""Formats stored in media/ (what every browser shows), with their extension and content type."""

_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class BadImage(ValueError):
    """An image that cannot be used; `str(exc)` says why, in words an editor can act on."""


def open_image(source: str | Path | bytes, *, name: str = "", min_side: int = 1,
               max_side: int | None = None) -> Image.Image:
    """The photo as an upright 8-bit sRGB image without metadata, at most `max_side` px on its
    long side when given (JPEGs are then decoded at reduced scale, which is much faster).
    Refuses (BadImage) a photo with a side under `min_side` px; `name` names it in messages."""
    subject = _subject(name)
    with _opened(source, subject) as opened:
        width, height = opened.size
        if min(width, height) < min_side:
            raise BadImage(words.common.photo_too_small(subject, width, height, min_side))
        if max_side is not None and max(opened.size) > max_side:
            scale = max_side / max(opened.size)
            opened.draft(opened.mode, (math.ceil(width * scale), math.ceil(height * scale)))
        opened.load()
        image, orientation = _to_rgb(opened), _orientation(opened)
    if max_side is not None and max(image.size) > max_side:
        scale = max_side / max(image.size)
        target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        # HAMMING rather than LANCZOS: twice as fast, and callers resample the result again anyway.
        image = image.resize(target, Image.Resampling.HAMMING, reducing_gap=3.0)
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    image.info = {}
    return image


def upright_size(source: str | Path | bytes, *, name: str = "") -> tuple[int, int]:
    """(width, height) of the photo as it is shown (EXIF orientation applied), from its header."""
    with _opened(source, _subject(name)) as opened:
        width, height = opened.size
        return (height, width) if _orientation(opened) in _ROTATED else (width, height)


def inspect_image(data: bytes, name: str) -> tuple[str, str, int, int]:
    """Check that `data` is a photo the opener can decode and media/ can store; return (ext,
    content type, width, height) as stored (before any EXIF rotation)."""
    subject = _subject(name)
    if len(data) > MAX_IMAGE_BYTES:
        raise BadImage(words.common.photo_too_heavy(subject, len(data) // 1_048_576, MAX_IMAGE_BYTES // 1_048_576))
    with _opened(data, subject) as opened:
        fmt, (width, height) = opened.format, opened.size
        # every pixel is decoded (JPEGs at an eighth of the size, which is quick): damage shows here
        opened.draft(opened.mode, (math.ceil(width / 8), math.ceil(height / 8)))
        opened.load()
    if fmt not in FORMATS:
        raise BadImage(words.common.photo_format(subject, fmt))
    ext, content_type = FORMATS[fmt]
    return ext, content_type, width, height


def _subject(name: str) -> str:
    return words.common.photo_subject(name)


@contextmanager
def _opened(source: str | Path | bytes, subject: str) -> Iterator[Image.Image]:
    """The image with its header read and no pixel decoded yet, refused when it declares more than
    MAX_PIXELS; whatever fails while it is open (decoding included) becomes a BadImage."""
    if isinstance(source, bytes):
        handle: BinaryIO = io.BytesIO(source)
    else:
        try:
            handle = open(source, "rb")  # noqa: SIM115 — closed below, with the image
        except OSError as exc:
            raise BadImage(words.common.photo_unreadable_file(source, exc.strerror)) from None
    try:
        with handle, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle, formats=DECODABLE) as opened:
                width, height = opened.size
                limit = MAX_JPEG_PIXELS if opened.format == "JPEG" else MAX_PIXELS
                if width * height > limit:
                    raise BadImage(words.common.photo_bomb(subject, width, height, width * height / 1e6,
                                                  limit // 1_000_000))
                yield opened
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage(words.common.photo_bomb_unknown_size(subject, MAX_PIXELS // 1_000_000)) from None
    except UnidentifiedImageError:
        raise BadImage(words.common.photo_not_an_image(subject)) from None
    except Exception as exc:  # corrupt files make Pillow raise almost any exception type
        raise BadImage(words.common.photo_damaged(subject, exc)) from None


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # broken EXIF is common in phone photos; the pixels are still good
        return 1


def _to_rgb(image: Image.Image) -> Image.Image:
    """A new 8-bit RGB image: 16-bit grey scaled down, colour profiles applied, transparency on white."""
    if image.mode == "F":
        return image.convert("L").convert("RGB")
    if image.mode == "I" or image.mode.startswith("I;16"):
        # Pillow's own conversion clips values above 255, turning 16-bit mid-grey white.
        levels = np.clip(np.asarray(image), 0, 65535).astype(np.uint16)
        return Image.fromarray((levels >> 8).astype(np.uint8)).convert("RGB")
    if image.mode in ("RGB", "CMYK") and image.info.get("icc_profile"):
        return _to_srgb(image, image.info["icc_profile"])
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Colours as they were meant to look once the profile is dropped (phones often write Display P3)."""
    try:
        transform = _srgb_transform(icc_profile, image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        transform = None  # a broken profile: take the numbers as they are
    if transform is None:
        return image.convert("RGB")
    converted = ImageCms.applyTransform(image, transform)
    assert converted is not None  # only None when transforming in place
    return converted


@lru_cache(maxsize=16)
def _srgb_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The transform from a photo's profile to sRGB; None when the profile is sRGB already."""
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    if mode == "RGB" and "srgb" in ImageCms.getProfileDescription(profile).lower():
        return None
    return ImageCms.buildTransform(profile, ImageCms.createProfile("sRGB"), mode, "RGB")


def media_path(media_dir: Path, sha256: str, ext: str) -> Path:
    return media_dir / sha256[:2] / f"{sha256}.{ext}"


def import_image(conn: Connection, media_dir: Path, data: bytes, name: str, now: datetime,
                 caption: str = "") -> ImageRef:
    """Store an image (once per content) and return a reference to it."""
    ext, content_type, width, height = inspect_image(data, name)
    digest = hashlib.sha256(data).hexdigest()
    target = media_path(media_dir, digest, ext)
    if not target.exists():
        atomic_write(target, data)
    known = conn.execute(select(t.media.c.sha256).where(t.media.c.sha256 == digest)).first()
    if known is None:
        conn.execute(insert(t.media).values(
            sha256=digest, ext=ext, content_type=content_type, width=width, height=height,
            size=len(data), original_name=name[:200], created_at=now))
    return ImageRef(sha256=digest, ext=ext, caption=caption, width=width, height=height)


def find_media(conn: Connection, prefix: str) -> ImageRef:
    """Look an image up by (a prefix of) its hash, as editors write it in `kitchen edit`."""
    prefix = prefix.strip().lower()
    if len(prefix) < 8 or not all(c in "0123456789abcdef" for c in prefix):
        raise BadImage(words.common.image_id_malformed(prefix))
    rows = conn.execute(select(t.media).where(t.media.c.sha256.like(prefix + "%")).limit(2)).all()
    if not rows:
        raise BadImage(words.common.image_id_unknown(prefix))
    if len(rows) > 1:
        raise BadImage(words.common.image_id_ambiguous(prefix))
    row = rows[0]
    return ImageRef(sha256=row.sha256, ext=row.ext, width=row.width, height=row.height)
