"""Story bodies are Markdown; this turns them into safe HTML and plain text.

Raw HTML inside Markdown is not passed through (it is shown as text), and only http(s), mailto
and relative links survive, so a body cannot carry script into any page we render.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from pipeline.model import StoryDraft

TITLE_LIMIT = 120  # characters; a headline longer than this is not a headline
LINE_LIMIT = 500  # author, summary, captions: one line each
BODY_LIMIT = 200_000  # characters of Markdown: far beyond any report, short of a denial of service

_SAFE_LINK = re.compile(r"^(https?:|mailto:|/|#|\.|[^:]*$)", re.IGNORECASE)


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    # markdown-it's documented way to restrict links is to replace this method on the instance
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


def markdown_to_html(body_md: str) -> str:
    return _parser().render(body_md)


class _TextCollector(HTMLParser):
    _BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "tr"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def markdown_to_text(body_md: str) -> str:
    """Plain text, one paragraph per line."""
    return html_to_plain(markdown_to_html(body_md))


def html_to_plain(html: str) -> str:
    """The text of HTML we rendered from Markdown, one paragraph per line."""
    collector = _TextCollector()
    collector.feed(html)
    lines = (line.strip() for line in "".join(collector.parts).splitlines())
    return "\n".join(line for line in lines if line)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])(\s)")
_BULLET_START = re.compile(r"^(\s*)([-+=])(\s)")


def plain_to_markdown(text: str) -> str:
    """Plain text (one paragraph per line, as Chinese reports are typed) to Markdown that renders
    the same words: special characters are escaped, each line becomes a paragraph."""
    paragraphs = []
    for raw_line in text.splitlines():
        line = raw_line.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        line = _MARKDOWN_SPECIAL.sub(r"\\\1", line)
        line = _LIST_START.sub(r"\1\2\\\3\4", line)
        line = _BULLET_START.sub(r"\1\\\2\3", line)
        paragraphs.append(line)
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


def summarize(text: str, limit: int = 120) -> str:
    """The first sentences of the text, up to `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    for mark in ("。", "！", "？", "；"):
        position = cut.rfind(mark)
        if position >= limit // 2:
            return cut[: position + 1]
    return cut.rstrip() + "…"


# C0 and C1 control characters (and DEL) but tab and newline: text typed, pasted or extracted
# carries them by accident, and XML (every feed) cannot hold most of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What XML 1.0 cannot carry at all, besides the controls above: surrogates and two noncharacters.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str, limit: int = BODY_LIMIT) -> str:
    """The one rule for text coming in through any door (ingest, the desk, the CLI): line ends
    made `\\n`, control characters but tab and newline removed, outer whitespace stripped, at most
    `limit` characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()[:limit].rstrip()


def clean_line(text: str, limit: int = LINE_LIMIT) -> str:
    """`clean_text` for a one-line field: every run of whitespace (newlines too) becomes a space."""
    return " ".join(_CONTROL.sub("", text).split())[:limit].rstrip()


def clean_draft(draft: StoryDraft) -> StoryDraft:
    """A story's editable content with every text field cleaned by the one rule."""
    body = clean_text(draft.body_md)
    ending = "\n" if body and draft.body_md.endswith(("\n", "\r")) else ""
    return replace(draft, title=clean_line(draft.title, TITLE_LIMIT), body_md=body + ending,
                   author=clean_line(draft.author), summary=clean_line(draft.summary),
                   images=tuple(replace(image, caption=clean_line(image.caption)) for image in draft.images))


def control_characters(draft: StoryDraft) -> dict[str, str]:
    """The fields of stored content that carry control characters (stored before every door
    cleaned text), each with the characters found, as `U+0001 U+001B`."""
    fields = {"title": draft.title, "body": draft.body_md, "author": draft.author, "summary": draft.summary,
              **{f"caption {n}": image.caption for n, image in enumerate(draft.images, 1)}}
    found = {name: control_codes(value) for name, value in fields.items()}
    return {name: codes for name, codes in found.items() if codes}


def control_codes(text: str) -> str:
    """The control characters in `text` (tab and newline aside), as `U+0001 U+001B`; empty when none."""
    return " ".join(f"U+{ord(c):04X}" for c in sorted(set(_CONTROL.findall(text))))


def xml_safe(text: str) -> str:
    """The text without the characters XML cannot hold: what a feed writes, whatever is stored."""
    return _NOT_XML.sub("", text)
