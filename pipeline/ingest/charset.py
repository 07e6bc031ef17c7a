"""Decode fetched HTML to text when the declared charset may lie.

County sites commonly serve GBK pages with a `charset=utf-8` header, or an `ISO-8859-1` header
(a server default) in front of a page whose `<meta>` says gbk. The rule: a body that is valid
UTF-8 is UTF-8 (GBK text is practically never valid UTF-8); otherwise the declared Chinese
charsets are tried strictly, read as GB18030 (their superset); a Latin-1 class declaration is
never trusted for a page with non-ASCII bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_LATIN = {"latin_1", "iso8859_1", "cp1252", "ascii"}
_CHINESE = {"gbk", "gb2312", "gb18030", "hz"}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: tuple[str, ...]
    """The charsets the header and the page named, normalised (header first)."""


_NOT_FOR_PAGES = {"idna", "punycode", "raw_unicode_escape", "unicode_escape", "utf_7", "undefined"}


def _normalise(name: str | None) -> str | None:
    """A codec name a page may really be in, normalised; None for unknown or non-text codecs
    (`charset=rot13` or `base64` is a mistake, not an encoding)."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    normal = info.name.replace("-", "_")
    if not getattr(info, "_is_text_encoding", True) or normal in _NOT_FOR_PAGES:
        return None
    return normal


def declared_charsets(body: bytes, content_type: str | None) -> tuple[str, ...]:
    found = []
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        found.append(_normalise(match.group(1)))
    if meta := _META_CHARSET.search(body[:4096]):
        found.append(_normalise(meta.group(1).decode("ascii", "ignore")))
    return tuple(dict.fromkeys(name for name in found if name))


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    declared = declared_charsets(body, content_type)
    if body.startswith(codecs.BOM_UTF8):
        return Decoded(body[3:].decode("utf-8", "replace"), "utf_8", declared)
    for bom, name in ((codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16")):
        if body.startswith(bom):
            return Decoded(body.decode(name, "replace"), name, declared)
    try:
        return Decoded(body.decode("utf-8"), "utf_8", declared)
    except UnicodeDecodeError:
        pass
    candidates = [name for name in declared if name not in _LATIN and name != "utf_8"]
    for name in [*("gb18030" if n in _CHINESE else n for n in candidates), "gb18030"]:
        try:
            return Decoded(body.decode(name), name, declared)
        except (UnicodeError, LookupError):
            continue
    fallback = next((n for n in declared if n not in _LATIN), "gb18030")
    return Decoded(body.decode(fallback, "replace"), fallback, declared)
