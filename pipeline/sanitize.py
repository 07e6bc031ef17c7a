"""Make HTML safe, whatever it came from (a source's page, a report, a feed field): only a small set
of tags and attributes survive, links and images are made absolute, scripts and event handlers are
gone. Then to text or Markdown."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "img", "ul", "ol", "li", "h2", "h3",
                "h4", "h5", "h6", "blockquote", "table", "thead", "tbody", "tr", "th", "td",
                "figure", "figcaption", "sub", "sup", "hr", "div", "span", "section"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_TAGS = ALLOWED_TAGS | {"h1", "pre", "code"}  # what our own Markdown renders besides
BLOCKS = {"p", "div", "section", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
          "figure", "figcaption", "table", "ul", "ol", "br", "hr", "article", "pre"}


_LOOKS_LIKE_A_PATH = re.compile(r"[./?]")


def image_source(attributes: dict[str, str]) -> str:
    """Where a picture really is: lazy-loading templates keep it in data-src/data-original and put
    a placeholder in src."""
    return (attributes.get("data-src") or attributes.get("data-original") or attributes.get("src") or "").strip()


def absolutize(fragment: str, base_url: str) -> str:
    """Resolve relative `src`/`href` against the page URL; WeChat's lazy `data-src` becomes `src`."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for image in list(root.iter("img")):
        src = image_source(dict(image.attrib))
        if not _LOOKS_LIKE_A_PATH.search(src):  # `<img src=x onerror=…>` and friends
            image.drop_tree()
            continue
        image.set("src", urljoin(base_url, src))
    for link in root.iter("a"):
        if link.get("href"):
            link.set("href", urljoin(base_url, link.get("href").strip()))
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in root) if len(root) else (root.text or "")


def sanitize_html(fragment: str, base_url: str = "", tags: set[str] = ALLOWED_TAGS) -> str:
    """Body HTML from a source (or a feed field), safe to render: no script/style, no event
    handlers, no `javascript:` URLs, no inline styles; relative URLs resolved against `base_url`."""
    if base_url:
        fragment = absolutize(fragment, base_url)
    cleaned = nh3.clean(fragment, tags=tags, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=URL_SCHEMES, link_rel="noopener noreferrer", strip_comments=True)
    return _drop_empty_wrappers(cleaned)


_EMPTY = re.compile(r"<(p|span|div|section)>\s*(?:&nbsp;|\u00a0|\u3000|<br>)*\s*</\1>")


def _drop_empty_wrappers(html: str) -> str:
    previous = None
    while previous != html:
        previous, html = html, _EMPTY.sub("", html)
    return html.strip()


def html_to_text(fragment: str) -> str:
    """Plain text, one block per line; table cells of a row joined by a space."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            if node.tail:
                parts.append(node.tail)
            return
        block = tag in BLOCKS
        if block:
            parts.append("\n")
        if tag in ("td", "th"):
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(root)
    lines = ("".join(parts)).replace("\u00a0", " ").replace("\u3000", " ").splitlines()
    cleaned = (" ".join(line.split()) for line in lines)
    return "\n".join(line for line in cleaned if line)


def html_to_markdown(fragment: str) -> str:
    """Sanitised body HTML to the Markdown editors work in."""
    if not fragment.strip():
        return ""
    from markdownify import (
        markdownify,  # with BeautifulSoup, a tenth of a second: loaded for the first page
    )

    text = markdownify(fragment, heading_style="ATX", bullets="-", strip=["div", "span", "section"],
                       table_infer_header=True)
    lines = [line.rstrip() for line in text.replace("\u00a0", " ").splitlines()]
    collapsed = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return collapsed + "\n" if collapsed else ""
