"""RSS 2.0 and Atom feeds: a thin wrapper around feedgen that steps around its pitfalls.

- naive datetimes raise in feedgen: every time here is timezone-aware, shown in the newsroom's zone
  (`+0800`);
- RSS `<link>` is the last link added with rel=alternate: the page link is added last;
- `add_entry` prepends by default: entries are appended, newest first, as given;
- feedgen stamps `now()` into lastBuildDate/updated: both are set to the newest entry's update
  time, so the same stories give the same bytes;
- `description()` overwrites Atom content unless told it is a summary: it is called with
  `isSummary=True`, after `content()`;
- enclosures are links with rel=enclosure in Atom: added after the alternate link, never replaced;
- feedgen 1.0 writes Atom entry links without their rel/type/length (its writer shadows the link
  data with the XML element it creates), and marks HTML content `type="CDATA"`: both are put right
  after generation (the content becomes escaped text of `type="html"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str


@dataclass(frozen=True)
class FeedItem:
    guid: str  # permanent; not a URL
    title: str
    link: str  # absolute URL of the article page
    summary: str
    content_html: str  # full body, URLs absolute
    published: datetime
    updated: datetime
    author: str = ""
    categories: tuple[str, ...] = ()
    enclosure: Enclosure | None = None


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # absolute URL of the HTML page the feed follows
    description: str
    language: str
    rss_url: str  # absolute URLs of the feeds themselves (rel=self)
    atom_url: str
    items: tuple[FeedItem, ...] = field(default_factory=tuple)
    generator: str = "Central Kitchen"


def _generator(feed: Feed, tz: ZoneInfo, self_url: str, fallback: datetime) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(feed.id)
    fg.title(feed.title)
    fg.description(feed.description or feed.title)
    fg.subtitle(feed.description or feed.title)
    fg.language(feed.language)
    fg.generator(feed.generator)
    fg.link(href=self_url, rel="self")
    fg.link(href=feed.link, rel="alternate")  # last: RSS takes the last alternate link
    newest = max((item.updated for item in feed.items), default=fallback)
    fg.lastBuildDate(newest.astimezone(tz))
    fg.updated(newest.astimezone(tz))
    if feed.items:
        fg.pubDate(max(item.published for item in feed.items).astimezone(tz))
    for item in feed.items:
        entry = fg.add_entry(order="append")
        entry.id(item.guid)
        entry.guid(item.guid, permalink=False)
        entry.title(item.title)
        entry.link(href=item.link, rel="alternate")
        entry.content(item.content_html, type="CDATA")
        entry.description(item.summary, isSummary=True)
        entry.published(item.published.astimezone(tz))
        entry.updated(item.updated.astimezone(tz))
        if item.author:
            entry.author({"name": item.author})
        for category in item.categories:
            entry.category(term=category)
        if item.enclosure is not None:
            entry.enclosure(item.enclosure.url, str(item.enclosure.length), item.enclosure.type)
    return fg


def render_rss(feed: Feed, tz: ZoneInfo, fallback: datetime) -> bytes:
    """`fallback` dates an empty feed (feedgen would write "now"): the site's newest update."""
    return _generator(feed, tz, feed.rss_url, fallback).rss_str(pretty=True)


def render_atom(feed: Feed, tz: ZoneInfo, fallback: datetime) -> bytes:
    from lxml import etree

    document = etree.fromstring(_generator(feed, tz, feed.atom_url, fallback).atom_str(pretty=True))
    namespace = "{http://www.w3.org/2005/Atom}"
    for entry, item in zip(document.iter(f"{namespace}entry"), feed.items, strict=True):
        wanted = [{"rel": "alternate", "type": "text/html"}]
        if item.enclosure is not None:
            wanted.append({"rel": "enclosure", "type": item.enclosure.type, "length": str(item.enclosure.length)})
        for link, attributes in zip(entry.findall(f"{namespace}link"), wanted, strict=True):
            link.attrib.update(attributes)
        for content in entry.findall(f"{namespace}content"):  # feedgen writes type="CDATA", not valid Atom
            content.set("type", "html")
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
