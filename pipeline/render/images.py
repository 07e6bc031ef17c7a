"""Web renditions of photos: a few widths for `srcset`, opened upright in sRGB by the media layer's
one opener, with every piece of metadata stripped (phones write the GPS position into their photos).
Made once per photo and width, kept in a cache folder, and linked into each site build."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.fsutil import atomic_write
from pipeline.media import BadImage, media_path, open_image, upright_size
from pipeline.model import ImageRef

WIDTHS = (480, 960, 1440)
QUALITY = 82


@dataclass(frozen=True)
class WebImage:
    """The renditions of one photo: (width, height, site path) per width, smallest first. A photo
    can serve several stories, each with its own caption, so captions are not kept here."""

    sha256: str
    sizes: tuple[tuple[int, int, str], ...]

    def card(self, alt: str, caption: str = "", sizes: str = "(max-width: 720px) 100vw, 720px") -> dict[str, object]:
        """What templates get for an image (see templates/web/CONTEXT.md)."""
        width, height, src = self.sizes[min(1, len(self.sizes) - 1)]
        return {"src": src, "srcset": ", ".join(f"{path} {w}w" for w, _, path in self.sizes), "sizes": sizes,
                "width": width, "height": height, "alt": caption or alt, "caption": caption}

    @property
    def largest(self) -> str:
        return self.sizes[-1][2]


def site_path(sha256: str, width: int) -> str:
    return f"/media/{sha256[:2]}/{sha256[:16]}-{width}.jpg"


def web_renditions(media_dir: Path, cache_dir: Path, image: ImageRef) -> WebImage | None:
    """Make (or find in the cache) the renditions of a stored photo; None if it cannot be read."""
    source_path = media_path(media_dir, image.sha256, image.ext)
    try:
        upright_width, _ = upright_size(source_path)  # the header only: the upright width decides the sizes
    except BadImage:
        return None
    widths = sorted({w for w in WIDTHS if w < upright_width} | {min(upright_width, WIDTHS[-1])})
    sizes = []
    source: Image.Image | None = None
    for width in widths:
        target = cache_dir / site_path(image.sha256, width).lstrip("/")
        if not target.exists():
            if source is None:
                try:
                    source = open_image(source_path)
                except BadImage:
                    return None
            atomic_write(target, _encode(source, width), durable=False)
        made_width, made_height = upright_size(target)  # from the header of what was just made
        sizes.append((made_width, made_height, site_path(image.sha256, width)))
    return WebImage(sha256=image.sha256, sizes=tuple(sizes))


def _encode(source: Image.Image, width: int) -> bytes:
    image = source
    if source.width > width:
        image = source.resize((width, max(1, round(source.height * width / source.width))), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)  # no exif=: metadata is dropped
    return out.getvalue()
