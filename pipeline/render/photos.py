"""Story photos for cards and clips: opened defensively, made upright plain sRGB, and cropped
around their most detailed part rather than blindly in the centre."""

from __future__ import annotations

import io
import math
import warnings
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

MAX_PIXELS = 40_000_000
"""Larger photos are refused: a few kilobytes can declare gigabytes of pixels (decompression bombs)."""
MIN_SIDE = 200
"""Photos with a shorter side are too small for cards and clips."""

_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP")  # not every Pillow plugin: some run external tools
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}
_SALIENCY_SIDE = 160  # long side of the map used to choose crops
_CENTRE_WEIGHT = 0.1  # share of a photo's interest a crop may give up to sit in the centre


class PhotoProblem(Exception):
    """A photo that cannot be used; `str(exc)` says why, in words an editor can act on."""


def open_photo(source: str | Path | bytes, min_side: int = MIN_SIDE,
               max_side: int | None = None) -> Image.Image:
    """The photo as an upright 8-bit sRGB image without metadata, at most `max_side` px on its
    long side when given (JPEGs are then decoded at reduced scale, which is much faster)."""
    if isinstance(source, bytes):
        image, orientation = _decode(io.BytesIO(source), min_side, max_side)
    else:
        try:
            with open(source, "rb") as handle:
                image, orientation = _decode(handle, min_side, max_side)
        except OSError as exc:  # _decode raises only PhotoProblem: this is the file itself
            raise PhotoProblem(f"cannot read the photo file {source}: {exc.strerror}") from None
    if max_side is not None and max(image.size) > max_side:
        scale = max_side / max(image.size)
        target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        # HAMMING rather than LANCZOS: twice as fast, and crop_to resamples the result again anyway.
        image = image.resize(target, Image.Resampling.HAMMING, reducing_gap=3.0)
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    image.info = {}
    return image


def _decode(handle: BinaryIO, min_side: int, max_side: int | None) -> tuple[Image.Image, int]:
    """The pixels as a new RGB image, and the EXIF orientation; every failure is a PhotoProblem."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle, formats=_FORMATS) as opened:
                _check_size(*opened.size, min_side)  # from the header, before any pixel is decoded
                if max_side is not None and max(opened.size) > max_side:
                    scale = max_side / max(opened.size)
                    opened.draft(opened.mode, (math.ceil(opened.width * scale),
                                               math.ceil(opened.height * scale)))
                opened.load()
                return _to_rgb(opened), _orientation(opened)
    except PhotoProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoProblem(f"photo is larger than {MAX_PIXELS // 1_000_000} megapixels; "
                           "refused as a possible decompression bomb") from None
    except UnidentifiedImageError:
        raise PhotoProblem("not a photo: the data is not JPEG, PNG, WebP, GIF, TIFF or BMP") from None
    except Exception as exc:  # corrupt files make Pillow raise almost any exception type
        raise PhotoProblem(f"photo is damaged and cannot be decoded ({exc})") from None


def crop_box(image: Image.Image, aspect: float) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the largest window with width/height `aspect`, placed over
    the most detailed part of the image, with a mild preference for the centre."""
    if aspect <= 0:
        raise ValueError(f"aspect must be positive, not {aspect}")
    width, height = image.size
    if width / height > aspect:  # the window spans the full height and slides sideways
        window = min(width, max(1, round(height * aspect)))
        left = _best_offset(_interest(image).sum(axis=0), width, window)
        return left, 0, left + window, height
    window = min(height, max(1, round(width / aspect)))
    top = _best_offset(_interest(image).sum(axis=1), height, window)
    return 0, top, width, top + window


def crop_to(image: Image.Image, width: int, height: int) -> Image.Image:
    """The best `width`×`height` picture from `image` (see `crop_box`)."""
    box = crop_box(image, width / height)
    # reducing_gap: a fast integer reduction first; the result is indistinguishable.
    return image.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def _check_size(width: int, height: int, min_side: int) -> None:
    if width * height > MAX_PIXELS:
        raise PhotoProblem(f"photo is {width}×{height} px ({width * height / 1e6:.0f} megapixels); more "
                           f"than {MAX_PIXELS // 1_000_000} megapixels is refused as a possible "
                           "decompression bomb")
    if min(width, height) < min_side:
        raise PhotoProblem(f"photo is {width}×{height} px; at least {min_side} px on the short side is needed")


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


def _interest(image: Image.Image) -> np.ndarray:
    """How much detail each part of a small grey copy of `image` holds (edge strength)."""
    factor = min(1.0, _SALIENCY_SIDE / max(image.size))
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    grey = np.asarray(image.convert("L").resize(size, Image.Resampling.BOX), dtype=np.float32)
    dx = np.zeros_like(grey)
    dy = np.zeros_like(grey)
    dx[:, 1:-1] = grey[:, 2:] - grey[:, :-2]
    dy[1:-1, :] = grey[2:, :] - grey[:-2, :]
    edges = np.hypot(dx, dy)
    # Subtracting the typical edge strength keeps an even texture (sensor noise, grass, water)
    # from outweighing the one detailed subject.
    return np.maximum(edges - np.median(edges), 0.0)


def _best_offset(profile: np.ndarray, length: int, window: int) -> int:
    """Where a `window` px window along an axis of `length` px holds the most of `profile`, the
    interest per cell of the small map along that axis."""
    slack = length - window
    cells = len(profile)
    span = min(cells, max(1, round(window * cells / length)))
    prefix = np.concatenate(([0.0], np.cumsum(profile, dtype=np.float64)))
    if slack <= 0 or span >= cells or prefix[-1] <= 0:
        return slack // 2 if slack > 0 else 0
    held = (prefix[span:] - prefix[:-span]) / prefix[-1]  # share of the interest at each position
    positions = np.arange(len(held))
    from_centre = (positions - (len(held) - 1) / 2) / ((len(held) - 1) / 2)
    best = int(np.argmax(held - _CENTRE_WEIGHT * from_centre**2))
    return round(best / (len(held) - 1) * slack)
