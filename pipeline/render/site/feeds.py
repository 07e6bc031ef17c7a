"""The site's RSS 2.0 and Atom feeds: one pair per archive that has a feed, made from the stories
live on the rss-kind channels, through a thin wrapper around feedgen that steps around its pitfalls.

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

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from html import escape
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from lxml import etree

from pipeline import words
from pipeline.live import LiveStory
from pipeline.render.site.model import Archive, Output, SiteModel, for_story
from pipeline.sanitize import MARKDOWN_TAGS, sanitize_html
from pipeline.text import xml_safe
from pipeline.timeutil import date_zh

FEED_SIZE = 20


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


def _generator(feed: Feed, tz: ZoneInfo, self_url: str, fallback: datetime, rss: bool) -> FeedGenerator:
    """Every string is made XML-safe here, so text stored before it was cleaned cannot stop a
    feed; every HTML field is sanitised. RSS readers show `<description>` as HTML, so there the
    plain summary goes escaped; Atom's `<summary>` is text, as it is."""
    x = xml_safe
    fg = FeedGenerator()
    fg.id(x(feed.id))
    fg.title(x(feed.title))
    fg.description(x(feed.description or feed.title))
    fg.subtitle(x(feed.description or feed.title))
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
        entry.id(x(item.guid))
        entry.guid(x(item.guid), permalink=False)
        entry.title(x(item.title))
        entry.link(href=x(item.link), rel="alternate")
        entry.content(x(sanitize_html(item.content_html, tags=MARKDOWN_TAGS)), type="CDATA")
        summary = sanitize_html(escape(item.summary, quote=False)) if rss else item.summary
        entry.description(x(summary), isSummary=True)
        entry.published(item.published.astimezone(tz))
        entry.updated(item.updated.astimezone(tz))
        if item.author:
            entry.author({"name": x(item.author)})
        for category in item.categories:
            entry.category(term=x(category))
        if item.enclosure is not None:
            entry.enclosure(item.enclosure.url, str(item.enclosure.length), item.enclosure.type)
    return fg


def render_rss(feed: Feed, tz: ZoneInfo, fallback: datetime) -> bytes:
    """`fallback` dates an empty feed (feedgen would write "now"): the site's newest update."""
    return _generator(feed, tz, feed.rss_url, fallback, rss=True).rss_str(pretty=True)


def render_atom(feed: Feed, tz: ZoneInfo, fallback: datetime) -> bytes:
    document = etree.fromstring(_generator(feed, tz, feed.atom_url, fallback, rss=False).atom_str(pretty=True))
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


# --- the site's feeds -----------------------------------------------------------------------------

def feed_outputs(model: SiteModel) -> dict[str, Output]:
    """The feeds of every archive that has one; the home feed exists even while it is empty."""
    outputs: dict[str, Output] = {}
    if model.rss_enabled:
        for archive in model.rss_archives.values():
            if archive.has_feed:
                outputs.update(archive_feeds(model, archive))
    return outputs


def archive_feeds(model: SiteModel, archive: Archive) -> dict[str, Output]:
    items = archive.story_ids[:FEED_SIZE]
    revisions = [(i, model.rss_by_id[i].revision.number, i in model.by_id, model.media_key(model.rss_by_id[i]))
                 for i in items]
    site = model.site
    feed = lambda: Feed(  # noqa: E731 — built only when the file is written
        id=f"urn:kitchen:{site.host}:feed:{archive.key[0]}:{archive.key[1]}",
        title=words.site.feed_title(site.title, archive.title),
        link=model.absolute(archive.url), description=archive.description or site.title,
        language=site.language, rss_url=model.absolute(f"{archive.url}feed.xml"),
        atom_url=model.absolute(f"{archive.url}atom.xml"),
        items=tuple(feed_item(model, model.rss_by_id[i]) for i in items))
    fingerprint = model.fingerprint("feed", archive.key, revisions, model.newest if not items else None)
    return {f"{archive.url}feed.xml": Output(fingerprint, lambda: _written(render_rss, feed(), items, model)),
            f"{archive.url}atom.xml": Output(fingerprint, lambda: _written(render_atom, feed(), items, model))}


def _written(write: Callable[[Feed, ZoneInfo, datetime], bytes], feed: Feed, story_ids: list[int],
             model: SiteModel) -> bytes:
    """The feed's bytes; when it cannot be written, the entry that stops it is found (each written
    alone) and raised as its story's StoryRenderError, so the build leaves that story out."""
    try:
        return write(feed, model.tz, model.newest)
    except Exception:
        for story_id, item in zip(story_ids, feed.items, strict=True):
            for_story(story_id, partial(write, replace(feed, items=(item,)), model.tz, model.newest))
        raise


def feed_item(model: SiteModel, story: LiveStory) -> FeedItem:
    """The story as every feed carries it, worked out once per build."""
    key = (story.id, story.revision.number)
    if key not in model.feed_items:
        model.feed_items[key] = for_story(story.id, lambda: _feed_item(model, story))
    return model.feed_items[key]


def _feed_item(model: SiteModel, story: LiveStory) -> FeedItem:
    content = story.revision.content
    image = model.image_of(story)
    enclosure = None
    cover = model.media_of(story).get("cover")
    if cover is not None:  # the cover card is what a feed reader shows for the entry
        enclosure = Enclosure(model.absolute(cover["src"]), model.image_bytes.get(cover["src"], 0), "image/jpeg")
    elif image is not None:
        enclosure = Enclosure(model.absolute(image.largest), model.image_bytes.get(image.largest, 0), "image/jpeg")
    body, _, summary = model.derived(story)
    pictures = "".join(f'<p><img src="{model.absolute(img.largest)}" alt="{escape(ref.caption or content.title)}"></p>'
                       for ref in content.images if (img := model.images.get(ref.sha256)))
    notes = "".join(f"<p><strong>{words.site.correction_note(date_zh(rev.created_at, model.tz))}</strong>"
                    f"{escape(rev.note, quote=False)}</p>"
                    for rev in story.corrections)
    on_site = story.id in model.by_id  # a story only in the feeds has no page to link to
    return FeedItem(
        guid=f"urn:kitchen:{model.site.host}:story:{story.id}", title=content.title,
        link=model.absolute(story.path if on_site else "/"),
        summary=summary, content_html=notes + pictures + _absolute_urls(body, model.site.base_url),
        published=min(story.published_at or story.revision.created_at, story.revision.created_at),
        updated=story.revision.created_at, author=content.author,
        categories=tuple(filter(None, [model.newsroom.theme_name(content.theme) if content.theme else "",
                                       model.newsroom.station_name(content.station_id)])),
        enclosure=enclosure)


def _absolute_urls(html: str, base_url: str) -> str:
    return re.sub(r'(href|src)="(/[^"]*)"', lambda m: f'{m.group(1)}="{urljoin(base_url, m.group(2).lstrip("/"))}"', html)
