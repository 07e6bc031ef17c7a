"""Share cards and posters drawn with Pillow from recipes (`templates/cards/*.toml`).

A recipe is data: the canvas size, where the photo goes, text boxes naming the story field they
show, a theme badge, the site's name as a logo line, and a QR code to the story's web address.
A newsroom overrides a recipe by putting a file of the same name in its `templates/cards/`.
`CardRenderer` is the renderer of the `card-<recipe>` renditions (see `pipeline.render`).

Drawing is deterministic: the same story revision, recipe and font give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageColor, ImageDraw

from pipeline import words
from pipeline.media import BadImage
from pipeline.render import Job, MediaFiles, MediaRenderer
from pipeline.render.layout import fit, load_font
from pipeline.render.photos import crop_to, open_photo
from pipeline.render.recipes import recipe_paths
from pipeline.settings import Newsroom

FIELDS = ("title", "byline", "station", "date", "theme", "site", "summary", "caption")
MOTIFS = ("rays", "rings", "plain")
FORMATS = ("jpeg", "png")
ALIGNS = ("top", "bottom", "left", "right", "center")
RECIPE_VERSION = "cards-1"  # bump when the drawing code changes what a recipe produces
MAX_PHOTO_SIDE = 2600  # photos are decoded at most this large for cards and clips
CARD_PHOTO_SIDE = 1920  # enough for every shipped card's photo region


class RecipeError(ValueError):
    """A recipe file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class TextBox:
    field: str
    box: tuple[int, int, int, int]
    size: int
    min_size: int
    max_lines: int
    color: str
    align: str = "top"  # top|bottom (vertical), or left|right for one-line boxes


@dataclass(frozen=True)
class CardRecipe:
    name: str
    size: tuple[int, int]
    format: str
    background: str
    photo_box: tuple[int, int, int, int] | None
    shade: str | None = None
    shade_from: float = 0.4
    shade_opacity: float = 0.8
    fallback_colors: tuple[str, str] = ("#b3261e", "#5c1010")
    motif: str = "rays"
    panel: tuple[tuple[int, int, int, int], str] | None = None
    texts: tuple[TextBox, ...] = ()
    badge: TextBox | None = None
    badge_fill: str = "#c8102e"
    logo: TextBox | None = None
    qr: dict[str, Any] | None = None
    source: str = ""  # the recipe file's text: part of the rendition's recipe hash

    @property
    def extension(self) -> str:
        return "png" if self.format == "png" else "jpg"


@dataclass(frozen=True)
class CardData:
    """What a card shows of one story revision."""

    title: str
    station: str
    date: str
    theme: str
    site: str
    summary: str
    caption: str
    url: str
    extra: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        if name == "byline":
            return " · ".join(part for part in (self.station, self.date) if part)
        return str(getattr(self, name, "") or self.extra.get(name, ""))


# --- recipes ---------------------------------------------------------------------------------------

def load_recipe(path: Path) -> CardRecipe:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(words.config.recipe_problem(str(path), "", words.config.recipe_malformed_toml(str(exc)))) from None
    return parse_recipe(path.stem, data, text, str(path))


def parse_recipe(name: str, data: dict[str, Any], source: str = "", where: str = "") -> CardRecipe:
    where = where or name

    def fail(key: str, message: str) -> RecipeError:
        return RecipeError(words.config.recipe_problem(where, key, message))

    def table(value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(key, words.config.recipe_table(value))
        return value

    def number(value: Any, key: str, whole: bool = False) -> Any:
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise fail(key, words.config.recipe_number(value, whole))
        return value

    def box(value: Any, key: str) -> tuple[int, int, int, int]:
        if not (isinstance(value, list) and len(value) == 4 and all(isinstance(v, int) and v >= 0 for v in value)):
            raise fail(key, words.config.recipe_box(value))
        return tuple(value)

    def color(value: Any, key: str) -> str:
        try:
            ImageColor.getrgb(value)
        except (ValueError, AttributeError, TypeError):
            raise fail(key, words.config.recipe_colour(value)) from None
        return value

    def text_box(item: dict[str, Any], key: str, field_required: bool = True) -> TextBox:
        item = table(item, key)
        name_ = item.get("field", "")
        if field_required and name_ not in FIELDS:
            raise fail(f"{key}.field", words.config.recipe_choice(FIELDS, name_))
        size = item.get("size", 32)
        min_size = item.get("min_size", size)
        if not (isinstance(size, int) and isinstance(min_size, int) and 6 <= min_size <= size <= 400):
            raise fail(f"{key}.size", words.config.recipe_text_sizes())
        align = item.get("align", "top")
        if align not in ALIGNS:
            raise fail(f"{key}.align", words.config.recipe_choice(ALIGNS, align))
        return TextBox(name_, box(item.get("box"), f"{key}.box"), size, min_size,
                       number(item.get("max_lines", 1), f"{key}.max_lines", whole=True),
                       color(item.get("color", "#000000"), f"{key}.color"), align)

    size = data.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and 16 <= v <= 8000 for v in size)):
        raise fail("size", words.config.recipe_card_size(size))
    fmt = data.get("format", "jpeg")
    if fmt not in FORMATS:
        raise fail("format", words.config.recipe_choice(FORMATS, fmt))
    photo = table(data["photo"], "photo") if "photo" in data else None
    fallback = table(data.get("fallback", {}), "fallback")
    given_colors = fallback.get("colors", ["#b3261e", "#5c1010"])
    if not isinstance(given_colors, list) or len(given_colors) != 2:
        raise fail("fallback.colors", words.config.recipe_two_colours())
    colors = (color(given_colors[0], "fallback.colors"), color(given_colors[1], "fallback.colors"))
    motif = fallback.get("motif", "rays")
    if motif not in MOTIFS:
        raise fail("fallback.motif", words.config.recipe_choice(MOTIFS, motif))
    panel = table(data["panel"], "panel") if "panel" in data else None
    badge = table(data["badge"], "badge") if "badge" in data else None
    logo = table(data["logo"], "logo") if "logo" in data else None
    qr = table(data["qr"], "qr") if "qr" in data else None
    texts = data.get("text", [])
    if not isinstance(texts, list):
        raise fail("text", words.config.recipe_table_list("text", texts))
    if qr is not None:
        qr = {**qr, "box": box(qr.get("box"), "qr.box")}
        for key in ("dark", "light", "caption_color"):
            if key in qr:
                color(qr[key], f"qr.{key}")
    return CardRecipe(
        name=name, size=tuple(size), format=fmt,
        background=color(data.get("background", "#ffffff"), "background"),
        photo_box=box(photo.get("box"), "photo.box") if photo else None,
        shade=color(photo["shade"], "photo.shade") if photo and "shade" in photo else None,
        shade_from=float(number(photo.get("shade_from", 0.4), "photo.shade_from")) if photo else 0.4,
        shade_opacity=float(number(photo.get("shade_opacity", 0.8), "photo.shade_opacity")) if photo else 0.8,
        fallback_colors=colors,
        motif=motif,
        panel=(box(panel.get("box"), "panel.box"), color(panel.get("fill", "#ffffff"), "panel.fill")) if panel else None,
        texts=tuple(text_box(item, f"text[{i}]") for i, item in enumerate(texts)),
        badge=text_box(badge, "badge") if badge else None,
        badge_fill=color(badge.get("fill", "#c8102e"), "badge.fill") if badge else "#c8102e",
        logo=text_box({**logo, "field": "site"}, "logo") if logo else None,
        qr=qr, source=source,
    )


@functools.lru_cache(maxsize=64)
def _cached_recipe(path: str, mtime: float) -> CardRecipe:
    return load_recipe(Path(path))


def recipe_named(newsroom_root: Path | None, name: str) -> CardRecipe:
    paths = recipe_paths(newsroom_root)
    if name not in paths:
        raise RecipeError(words.render.no_recipe("card", name, sorted(paths)))
    return _cached_recipe(str(paths[name]), paths[name].stat().st_mtime)




# --- drawing ---------------------------------------------------------------------------------------

def fallback_art(width: int, height: int, colors: tuple[str, str], motif: str, label: str, font_path: Path) -> Image.Image:
    """A designed background for a story without a usable photo: a gradient, a motif of rays or
    rings from the lower left, and the theme's name large and faint."""
    top, bottom = ImageColor.getrgb(colors[0])[:3], ImageColor.getrgb(colors[1])[:3]
    gradient = Image.linear_gradient("L").resize((width, height))
    art = Image.composite(Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), gradient)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    cx, cy = int(width * 0.15), int(height * 1.05)
    reach = int(math.hypot(width, height) * 1.1)
    if motif == "rays":
        for i in range(0, 180, 12):
            a1, a2 = math.radians(180 + i), math.radians(180 + i + 6)
            draw.polygon([(cx, cy), (cx + reach * math.cos(a1), cy + reach * math.sin(a1)),
                          (cx + reach * math.cos(a2), cy + reach * math.sin(a2))], fill=(255, 255, 255, 18))
    elif motif == "rings":
        step = max(24, min(width, height) // 10)
        for r in range(step, reach, step):
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(255, 255, 255, 26), width=max(2, step // 6))
    if label:
        fitted = fit(label, font_path, width * 0.9, height * 0.5, max(24, height // 3), 16, max_lines=1)
        font = load_font(font_path, fitted.size)
        text = fitted.lines[0] if fitted.lines else ""
        draw.text((width - font.getlength(text) - width * 0.04, height * 0.06), text, font=font, fill=(255, 255, 255, 30))
    return Image.alpha_composite(art.convert("RGBA"), overlay).convert("RGB")


def _shade(image: Image.Image, color: str, start: float, opacity: float) -> Image.Image:
    width, height = image.size
    rgb = ImageColor.getrgb(color)[:3]
    mask = Image.new("L", (1, height))
    first = int(height * start)
    for y in range(height):
        share = 0.0 if y < first else (y - first) / max(1, height - first)
        mask.putpixel((0, y), int(255 * opacity * min(1.0, share) ** 1.2))
    return Image.composite(Image.new("RGB", image.size, rgb), image.convert("RGB"), mask.resize(image.size))


def _draw_text(draw: ImageDraw.ImageDraw, box: TextBox, text: str, font_path: Path) -> dict[str, Any]:
    left, top, width, height = box.box
    if not text.strip():
        return {"field": box.field, "lines": [], "size": 0}
    fitted = fit(text, font_path, width, height, box.size, box.min_size, max_lines=box.max_lines)
    font = load_font(font_path, fitted.size)
    block = fitted.line_height * len(fitted.lines)
    y = top + (height - block if box.align == "bottom" else (height - block) // 2 if box.align == "center" else 0)
    ascent = font.getmetrics()[0]
    for line in fitted.lines:
        x = left + (width - font.getlength(line) if box.align == "right" else 0)
        # baseline-anchored: a line sits at the same place whatever characters it has
        draw.text((x, y + (fitted.line_height - fitted.size) // 2 + ascent), line, font=font, fill=box.color, anchor="ls")
        y += fitted.line_height
    return {"field": box.field, "lines": list(fitted.lines), "size": fitted.size, "truncated": fitted.truncated}


def _draw_badge(draw: ImageDraw.ImageDraw, box: TextBox, fill: str, text: str, font_path: Path) -> None:
    if not text:
        return
    left, top, width, height = box.box
    font = load_font(font_path, box.size)
    pad = box.size * 0.6
    text_width = font.getlength(text)
    right = left + (width or text_width + 2 * pad)
    draw.rounded_rectangle((left, top, right, top + height), radius=height // 2, fill=fill)
    draw.text(((left + right) / 2, top + height / 2), text, font=font, fill=box.color, anchor="mm")


def qr_image(url: str, size: int, dark: str = "#000000", light: str = "#ffffff") -> Image.Image:
    """The story's address as a QR code (error correction M, a 4-module quiet zone), scaled by
    whole modules so every module has the same width, then centred on `size` pixels."""
    import segno  # only cards with a QR code need it

    code = segno.make(url, error="m", micro=False)
    matrix = list(code.matrix)
    modules = len(matrix) + 8
    scale = max(1, size // modules)
    image = Image.new("RGB", (modules * scale, modules * scale), light)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, bit in enumerate(row):
            if bit:
                draw.rectangle(((x + 4) * scale, (y + 4) * scale, (x + 5) * scale - 1, (y + 5) * scale - 1), fill=dark)
    canvas = Image.new("RGB", (size, size), light)
    offset = (size - image.width) // 2
    canvas.paste(image, (offset, offset))
    return canvas


def draw_card(recipe: CardRecipe, data: CardData, photo: Image.Image | None, font_path: Path) -> tuple[Image.Image, dict[str, Any]]:
    """Draw one card; returns the image and what was drawn where (for tests and the desk)."""
    canvas = Image.new("RGB", recipe.size, recipe.background)
    drawn: dict[str, Any] = {"photo": "none", "texts": []}
    if recipe.photo_box:
        left, top, width, height = recipe.photo_box
        if photo is not None:
            picture = crop_to(photo, width, height)
            drawn["photo"] = "photo"
        else:
            picture = fallback_art(width, height, recipe.fallback_colors, recipe.motif, data.theme or data.site, font_path)
            drawn["photo"] = "fallback"
        if recipe.shade:
            picture = _shade(picture, recipe.shade, recipe.shade_from, recipe.shade_opacity)
        canvas.paste(picture, (left, top))
    draw = ImageDraw.Draw(canvas)
    if recipe.panel:
        (left, top, width, height), fill = recipe.panel
        draw.rectangle((left, top, left + width - 1, top + height - 1), fill=fill)
    for box in recipe.texts:
        drawn["texts"].append(_draw_text(draw, box, data.text(box.field), font_path))
    if recipe.badge:
        _draw_badge(draw, recipe.badge, recipe.badge_fill, data.text(recipe.badge.field), font_path)
    if recipe.logo:
        drawn["texts"].append(_draw_text(draw, recipe.logo, data.site, font_path))
    if recipe.qr and data.url:
        left, top, width, _ = recipe.qr["box"]
        code = qr_image(data.url, width, recipe.qr.get("dark", "#000000"), recipe.qr.get("light", "#ffffff"))
        canvas.paste(code, (left, top))
        drawn["qr"] = {"box": [left, top, width, width], "url": data.url}
        caption = recipe.qr.get("caption", "")
        if caption:
            size = int(recipe.qr.get("caption_size", 22))
            caption_box = TextBox("caption", (left - width // 4, top + width + 6, width + width // 2, int(size * 1.5)),
                                  size, max(10, size - 8), 1, recipe.qr.get("caption_color", "#000000"), "top")
            fitted = fit(caption, font_path, caption_box.box[2], caption_box.box[3], size, caption_box.min_size, 1)
            font = load_font(font_path, fitted.size)
            draw.text((left + width / 2, top + width + 6), fitted.lines[0] if fitted.lines else "", font=font,
                      fill=caption_box.color, anchor="mt")
    return canvas, drawn


def site_name_shown(recipe: CardRecipe, name: str, font_path: Path) -> str | None:
    """How the site's name shows on the card when it has to be cut to fit (its logo line, or a text
    box showing the site); None when it fits whole or the card does not show it."""
    boxes = [box for box in (*recipe.texts, recipe.logo) if box is not None and box.field == "site"]
    for box in boxes:
        _, _, width, height = box.box
        fitted = fit(name, font_path, width, height, box.size, box.min_size, max_lines=box.max_lines)
        if fitted.truncated:
            return "".join(fitted.lines)
    return None


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, "PNG", optimize=False)
    else:
        image.save(out, "JPEG", quality=88, optimize=True, progressive=True, subsampling="4:2:0")
    return out.getvalue()


# --- the renderer ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _opened(path: str, max_side: int, mtime: float) -> Image.Image:
    """A worker renders a story's cards one after another: its photo is decoded once."""
    return open_photo(Path(path), max_side=max_side)


def first_usable_photo(photos: Iterable[tuple[str, str]], warnings: list[str],
                       max_side: int = MAX_PHOTO_SIDE) -> Image.Image | None:
    """The first of the story's photos that opens; each one skipped is named in `warnings`."""
    for path, _ in photos:
        try:
            return _opened(path, max_side, os.stat(path).st_mtime if os.path.exists(path) else 0.0)
        except BadImage as problem:
            warnings.append(words.render.photo_skipped(Path(path).name, problem))
    return None


def run_card_job(job: Job) -> tuple[MediaFiles, dict[str, Any]]:
    """In a worker: draw one card. Returns its files and meta."""
    recipe = recipe_named(Path(job.root), job.renderer.name)
    warnings: list[str] = []
    # decoded no larger than the region needs (a 4:3 photo filling a square needs 4/3 of its side):
    # JPEGs then decode at a reduced scale, which is most of a card's time
    needed = int(max(recipe.photo_box[2:]) * 1.34) + 1 if recipe.photo_box else 0
    side = CARD_PHOTO_SIDE if needed <= CARD_PHOTO_SIDE else MAX_PHOTO_SIDE  # one size: one decode per story
    photo = first_usable_photo(job.photos, warnings, side) if recipe.photo_box else None
    image, drawn = draw_card(recipe, job.data, photo, Path(job.font))
    meta = {"width": image.width, "height": image.height, "format": recipe.format, "drawn": drawn,
            "warnings": warnings}
    return {"main": (encode(image, recipe.format), recipe.extension)}, meta


class CardRenderer(MediaRenderer):
    """Share cards and posters, one renderer per recipe in `templates/cards/`."""

    kind = "card"

    def recipe(self, newsroom: Newsroom) -> str:
        """The recipe text, the font and the drawing code's version."""
        recipe = recipe_named(newsroom.root, self.name)
        font_path = newsroom.render.font_path
        font = hashlib.sha256(font_path.read_bytes()).hexdigest() if font_path.exists() else str(font_path)
        return f"{RECIPE_VERSION}|{recipe.name}|{recipe.source}|{font}"

    def run(self, job: Job) -> tuple[MediaFiles, dict[str, Any]]:
        return run_card_job(job)


RENDERERS = (CardRenderer,)
