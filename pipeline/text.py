"""Story bodies are Markdown; this turns them into safe HTML and plain text.

Raw HTML inside Markdown is not passed through (it is shown as text), and only http(s), mailto
and relative links survive, so a body cannot carry script into any page we render.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt

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
