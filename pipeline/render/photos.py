"""Story photos for cards and clips: opened by the media layer's one opener, and cropped around
their most detailed part rather than blindly in the centre."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.media import open_image

MIN_SIDE = 200
"""Photos with a shorter side are too small for cards and clips."""

_SALIENCY_SIDE = 160  # long side of the map used to choose crops
_CENTRE_WEIGHT = 0.1  # share of a photo's interest a crop may give up to sit in the centre


def open_photo(source: str | Path | bytes, min_side: int = MIN_SIDE, max_side: int | None = None) -> Image.Image:
    """A story photo for a card or a clip, opened by the one opener (`pipeline.media.open_image`):
    upright 8-bit sRGB, at most `max_side` px on its long side, refused (BadImage) when smaller
    than `min_side` px on its short side."""
    return open_image(source, min_side=min_side, max_side=max_side)


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
