"""Chinese text layout for cards: line breaking by measured width with 避头尾 rules, and shrink-to-fit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from PIL import ImageFont

NO_START = frozenset("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}～")
"""Marks that may not begin a line (closing punctuation and the like)."""
NO_END = frozenset("（《「『【〔〈“‘([{")
"""Marks that may not end a line (opening punctuation)."""
ELLIPSIS = "…"

_SPACES = " \t\u3000"
# Dropped from the end of a truncated line so that it does not read "，…" or "《…".
_BEFORE_ELLIPSIS = _SPACES + "".join(NO_END) + "，。、；：？！…—·～,.;:?!"
# A letter or digit that is not CJK: these stick together into words and numbers.
_ALNUM = r"[^\W_\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
_WORD = rf"(?:[$¥￥€£#@]|[-+−±](?=[0-9]))?{_ALNUM}+(?:[.,:/'’&+\-_]{_ALNUM}+)*(?:%|‰|℃|°[CF]?)?"
_GRAPHEME = r".(?:[\u0300-\u036f\ufe00-\ufe0f\U0001f3fb-\U0001f3ff]|\u200d.)*"
_UNIT = re.compile(rf"{_WORD}|……|——|[{_SPACES}]+|{_GRAPHEME}")
_CHARACTER = re.compile(_GRAPHEME)

# Where a shortened Chinese text may end, without a dictionary: after a pause mark; before a word
# that opens a phrase (在、和、与 …) or after one that closes it (的、了 …), or after the last
# character of a place or an organisation's name (县、镇、村、局、院 …); between a Chinese
# character and a Latin word or a number. Anywhere else a cut may split a word (人民医|院).
_PAUSES = frozenset("，。、；：？！,.;:?!…—） 》」』】〕〉”’")
_OPENS_PHRASE = frozenset("在和与及并对为将把被从向于让给到由自以及而或但")
_CLOSES_PHRASE = frozenset("的了着过们等")
_ENDS_NAME = frozenset("县镇乡村街区市省局院站所校馆会厂队部委办室场园社组点处科团中心")
_MIN_SHARE = 0.5  # a shortened text keeps at least this share of the room it had


@dataclass(frozen=True)
class Fitted:
    """Text laid out for a box: what `fit` chose."""

    lines: tuple[str, ...]
    size: int
    """The font size chosen."""
    line_height: int
    """Pixels from one baseline to the next."""
    truncated: bool
    """True when the text did not fit even at the smallest size and ends with an ellipsis."""


def load_font(path: str | Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at `path` in `size` px, loaded once per process."""
    return _load_font(str(path), size)


@lru_cache(maxsize=128)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Break `text` into lines no wider than `max_width` as measured with `font`.

    CJK characters break anywhere; Latin words and numbers (`2026`, `5km`, `12.5%`) stay whole
    unless wider than a line. Newlines are hard breaks (those around the text are ignored),
    spaces at soft breaks are dropped, and no line starts with closing punctuation or ends
    with opening punctuation. Only when no other break exists does punctuation hang past
    `max_width`.
    """
    return list(_lines(text, font, max_width))


def fit(text: str, font_path: str | Path, max_width: float, max_height: float, size: int, min_size: int,
        max_lines: int | None = None, line_spacing: float = 1.3) -> Fitted:
    """The largest font size from `size` down to `min_size` at which `text` fits the box; at
    `min_size`, the lines that fit with the last one ending in an ellipsis."""
    min_size = min(min_size, size)
    solid = "".join(text.split())
    for candidate in _sizes(size, min_size):
        font = load_font(font_path, candidate)
        line_height = round(candidate * line_spacing)
        room = int(max_height // line_height)
        if max_lines is not None:
            room = min(room, max_lines)
        # No line is much wider than the box (2 em allows for hanging punctuation), so a text far
        # longer than the room it has is passed over without wrapping it.
        if candidate > min_size and font.getlength(solid) > room * (max_width + 2 * candidate):
            continue
        lines = list(islice(_lines(text, font, max_width), room + 1))  # one more shows it overflows
        if len(lines) <= room:
            return Fitted(tuple(lines), candidate, line_height, truncated=False)
    keep = max(1, room)  # an impossible box still gets one line rather than none
    last = _with_ellipsis(lines[keep - 1], font, max_width, lines[keep] if len(lines) > keep else "")
    return Fitted((*lines[: keep - 1], last), min_size, line_height, truncated=True)


def _lines(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> Iterator[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text:
        return
    widths: dict[str, float] = {}  # measuring is slow (text shaping) and units repeat
    for paragraph in text.split("\n"):
        yield from _wrap_paragraph(_units(paragraph, font, max_width), font, max_width, widths)


def _sizes(size: int, min_size: int) -> Iterator[int]:
    """Font sizes to try: steps of 2 px, then 1 px over the last few."""
    current = size
    while current > min_size:
        yield current
        current -= 2 if current - min_size > 4 else 1
    yield min_size


def _units(paragraph: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """The unbreakable pieces of a paragraph; a word wider than a whole line is split into characters."""
    units: list[str] = []
    for unit in _UNIT.findall(paragraph):
        splittable = len(unit) > 1 and unit[0] not in _SPACES and unit not in ("……", "——")
        if splittable and font.getlength(unit) > max_width:
            units.extend(_CHARACTER.findall(unit))
        else:
            units.append(unit)
    return units


def _wrap_paragraph(units: list[str], font: ImageFont.FreeTypeFont, max_width: float,
                    widths: dict[str, float]) -> Iterator[str]:
    if not units:
        yield ""
        return
    start = 0
    while True:
        end = _greedy_end(units, start, font, max_width, widths)
        if end == len(units):
            yield "".join(units[start:]).rstrip(_SPACES)
            return
        # The latest legal break that fits; failing that, let punctuation hang past the width.
        cut = next((k for k in range(end, start, -1) if _can_break(units, start, k)), None)
        if cut is None:
            cut = next((k for k in range(end + 1, len(units)) if _can_break(units, start, k)), len(units))
        yield "".join(units[start:cut]).rstrip(_SPACES)
        start = cut
        while start < len(units) and units[start][0] in _SPACES:
            start += 1
        if start == len(units):
            return


def _greedy_end(units: list[str], start: int, font: ImageFont.FreeTypeFont, max_width: float,
                widths: dict[str, float]) -> int:
    """The end of the longest run of units from `start` that fits (at least one unit)."""
    end, total = start, 0.0
    while end < len(units):  # first an estimate from the widths of single units
        if units[end] not in widths:
            widths[units[end]] = font.getlength(units[end])
        width = widths[units[end]]
        if total + width > max_width:
            break
        total += width
        end += 1
    # Then measure the real line: kerning and dropped trailing spaces change the sum a little.
    while end > start + 1 and _measure(units[start:end], font) > max_width:
        end -= 1
    while end < len(units) and _measure(units[start:end + 1], font) <= max_width:
        end += 1
    return max(end, start + 1)


def _measure(units: list[str], font: ImageFont.FreeTypeFont) -> float:
    return font.getlength("".join(units).rstrip(_SPACES))


def _can_break(units: list[str], start: int, cut: int) -> bool:
    """Whether a line may end before `units[cut]` (the line starting at `units[start]`)."""
    before = next((units[i] for i in range(cut - 1, start - 1, -1) if units[i][0] not in _SPACES), None)
    after = next((units[i] for i in range(cut, len(units)) if units[i][0] not in _SPACES), None)
    if before is None:
        return False
    return after is None or (after[0] not in NO_START and before[-1] not in NO_END)


def cut_points(text: str) -> list[tuple[int, int]]:
    """Where `text` may be cut, as (position, preference): 3 after a pause mark, 2 at a phrase or
    name boundary, 1 between a Chinese character and a Latin word or number, 0 between two
    Chinese characters (maybe inside a word). Never inside a Latin word or a number."""
    units = _UNIT.findall(text)
    points, at = [], 0
    for before, after in zip(units, units[1:], strict=False):
        at += len(before)
        if before[-1] in _PAUSES or before[0] in _SPACES:
            rank = 3
        elif (after[0] in _OPENS_PHRASE and before[-1] not in _OPENS_PHRASE) or before[-1] in _CLOSES_PHRASE \
                or before[-1] in _ENDS_NAME:
            rank = 2
        elif len(before) > 1 or len(after) > 1 or not (_is_cjk(before) and _is_cjk(after)):
            rank = 1
        else:
            rank = 0
        points.append((at, rank))
    return points


def _is_cjk(unit: str) -> bool:
    return "\u2e80" <= unit[0] <= "\u9fff" or "\uf900" <= unit[0] <= "\ufaff" or unit[0] >= "\U00020000"


def best_cut(text: str, fits: int) -> int:
    """The best place to cut `text` so that at most `fits` characters stay: the most preferred
    cut point (see `cut_points`) among those keeping at least half of `fits`, the latest of equals;
    `fits` itself when there is none (then a word may be split)."""
    chosen = [(rank, at) for at, rank in cut_points(text) if _MIN_SHARE * fits <= at <= fits]
    return max(chosen)[1] if chosen else fits


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole when it fits, else cut at the best boundary
    (`best_cut`) and ended with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS
    return text[: best_cut(text, limit - 1)].rstrip(_BEFORE_ELLIPSIS) + ELLIPSIS


def clamp_lines(text: str, font: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> tuple[list[str], bool]:
    """`text` wrapped into at most `max_lines` lines; when more would be needed, the last line
    ends with an ellipsis at a sensible boundary. Returns the lines and whether text was cut."""
    lines = list(islice(_lines(text, font, max_width), max_lines + 1))
    if len(lines) <= max_lines:
        return lines, False
    keep = max(1, max_lines)
    return [*lines[: keep - 1], _with_ellipsis(lines[keep - 1], font, max_width, lines[keep])], True


def _with_ellipsis(line: str, font: ImageFont.FreeTypeFont, max_width: float, following: str = "") -> str:
    """The last line that fits, shortened to end with an ellipsis; `following` (the next line's
    start) tells whether the line's own end is a word boundary."""
    joined = line + (following[:1] or " ")
    for fits in range(len(line), 0, -1):
        cut = best_cut(joined, fits)
        shortened = joined[:cut].rstrip(_BEFORE_ELLIPSIS) + ELLIPSIS
        if font.getlength(shortened) <= max_width:
            return shortened
    return ELLIPSIS
