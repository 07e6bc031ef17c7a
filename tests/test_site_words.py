"""Every word a visitor reads on the site is Chinese: a site with every kind of page (articles with
photos and a correction, archives with older pages, townships, the directory, the map, the
broadcasts, the 404 page, the redirects) is built, and the text of every page and the human
fields of every feed are searched for English words outside the identifiers a reader may meet
(RSS, Atom, GeoJSON …). URLs, e-mail addresses and numbers are not words."""

from __future__ import annotations

import os
import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from tests.test_site import broadcasting_newsroom

# names of formats and things a reader may meet as they are
ALLOWED = {"RSS", "Atom", "GeoJSON", "QR", "ID", "MP3", "MP4", "HTTP", "JSON"}
# attributes whose values a visitor reads (or hears, from a screen reader)
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "label")
READ_META = ("description", "og:title", "og:description", "og:site_name", "author", "article:section")


def english_words(text: str) -> list[str]:
    """The English words in `text`, after URLs, paths, e-mail addresses and numbers are taken out."""
    text = re.sub(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w])/[\w./?=&%-]*", " ", text)
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in ALLOWED]


def page_text(html: bytes) -> str:
    """What a visitor reads on a page: its title and text, and the attributes that are read."""
    document = lxml.html.fromstring(html)
    for element in document.xpath("//script | //style"):
        element.drop_tree()
    parts = [document.findtext(".//title") or "", document.body.text_content() if document.body is not None else ""]
    for name in READ_ATTRIBUTES:
        parts += document.xpath(f"//body//@{name}")
    for meta in document.xpath("//meta[@name or @property]"):
        if (meta.get("name") or meta.get("property")) in READ_META:
            parts.append(meta.get("content") or "")
    parts += document.xpath("//link[@rel='alternate']/@title")
    return "\n".join(parts)


def feed_text(xml: bytes) -> str:
    """The human fields of an RSS, Atom or podcast feed (not ids, links, dates or Apple's category names)."""
    document = etree.fromstring(xml)
    texts = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in ("title", "description", "subtitle", "summary", "author", "name") and element.text:
            texts.append(element.text)
        if name == "category" and element.get("term"):
            texts.append(element.get("term") or "")
    return "\n".join(texts)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    newsroom, _, _ = broadcasting_newsroom(tmp_path_factory.mktemp("words") / "newsroom", stories=22)
    return newsroom.root / "site" / "live"


def site_files(live: Path, suffix: str) -> list[Path]:
    return sorted(Path(folder) / name for folder, _, names in os.walk(live, followlinks=True)
                  for name in names if name.endswith(suffix))


def test_the_detector_finds_english_and_passes_identifiers() -> None:
    assert english_words("page 2 of 5 · Subscribe") == ["page", "of", "Subscribe"]
    assert english_words("订阅 RSS：最新动态 https://news.example.cn/a/b 2026年 gb@qinglan.gov.cn /townships/center/") == []


def test_every_page_a_visitor_reads_is_chinese(built_site: Path) -> None:
    pages = site_files(built_site, ".html")
    kinds = {path.relative_to(built_site).parts[0] for path in pages}
    assert {"2026", "stations", "townships", "themes", "map", "broadcasts", "page", "404.html", "index.html"} <= kinds
    found = {str(path.relative_to(built_site)): words for path in pages
             if (words := english_words(page_text(path.read_bytes())))}
    assert found == {}


def test_every_feed_a_visitor_reads_is_chinese(built_site: Path) -> None:
    feeds = site_files(built_site, ".xml")
    feeds = [path for path in feeds if "sitemap" not in str(path.relative_to(built_site))]
    assert any(path.name == "podcast.xml" for path in feeds) and any(path.name == "atom.xml" for path in feeds)
    found = {str(path.relative_to(built_site)): words for path in feeds
             if (words := english_words(feed_text(path.read_bytes())))}
    assert found == {}
