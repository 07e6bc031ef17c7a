"""Images attached to reports and stories, stored once by content hash under the newsroom's media/."""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import Connection, insert, select

from pipeline import store as t
from pipeline.fsutil import atomic_write
from pipeline.model import ImageRef

MAX_IMAGE_BYTES = 40 * 1024 * 1024
MAX_IMAGE_PIXELS = 64_000_000  # 8000×8000; beyond that a file is more likely a decompression bomb
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp"), "GIF": ("gif", "image/gif")}


class BadImage(ValueError):
    pass


def inspect_image(data: bytes, name: str) -> tuple[str, str, int, int]:
    """Check that `data` is a usable photo; return (ext, content type, width, height)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BadImage(f"image '{name}' is {len(data) // 1_048_576} MB; the limit is "
                       f"{MAX_IMAGE_BYTES // 1_048_576} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format, image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise BadImage(f"image '{name}' is {width}×{height} pixels, too large to be a "
                                   "photo (possible decompression bomb)")
                image.verify()
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage(f"image '{name}' is too large to be a photo (possible decompression bomb)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadImage(f"'{name}' is not a readable image ({exc})") from None
    if fmt not in FORMATS:
        raise BadImage(f"image '{name}' is {fmt}; use JPEG, PNG, WebP or GIF")
    ext, content_type = FORMATS[fmt]
    return ext, content_type, width, height


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
        raise BadImage(f"'{prefix}' is not an image id (at least 8 hex characters)")
    rows = conn.execute(select(t.media).where(t.media.c.sha256.like(prefix + "%")).limit(2)).all()
    if not rows:
        raise BadImage(f"no stored image has id '{prefix}'")
    if len(rows) > 1:
        raise BadImage(f"image id '{prefix}' is ambiguous; give more characters")
    row = rows[0]
    return ImageRef(sha256=row.sha256, ext=row.ext, width=row.width, height=row.height)
