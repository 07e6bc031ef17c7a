"""The site's shared model: the archives (home, stations, townships, themes, months) with their
story lists, the addresses, and what every page and feed needs, worked out once per build."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

from pipeline import words
from pipeline.live import LiveStory
from pipeline.model import Station
from pipeline.render.images import WebImage, web_renditions
from pipeline.render.renditions import StoredRendition
from pipeline.resources import templates_dir
from pipeline.settings import Newsroom
from pipeline.templating import environment
from pipeline.text import html_to_plain, markdown_to_html, summarize
from pipeline.timeutil import date_zh

T = TypeVar("T")


class StoryRenderError(Exception):
    """One story's page, card or feed entry could not be made: the build leaves the story out."""

    def __init__(self, story_id: int, reason: str):
        super().__init__(story_id, reason)  # the arguments, so it crosses from a forked worker
        self.story_id = story_id
        self.reason = reason

    def __str__(self) -> str:
        return words.site.story_failed(self.story_id, self.reason)


def for_story(story_id: int, make: Callable[[], T]) -> T:
    """What `make` returns; whatever it raises is raised as the story's StoryRenderError."""
    try:
        return make()
    except StoryRenderError:
        raise
    except Exception as exc:  # noqa: BLE001 — any failure of one story's output is that story's
        raise StoryRenderError(story_id, f"{type(exc).__name__}: {exc}") from exc


BROADCASTS_URL = "/broadcasts/"
PODCAST_URL = "/broadcasts/podcast.xml"
LEVEL_ORDER = ("center", "institute", "station", "point")


def township_slugs(stations: Iterable[Station]) -> dict[str, str]:
    """Each township's address word: the id of its institute (`qiaotou`), or, for a township
    without one (often the center's), of its highest station (`center`). Station ids are unique
    ASCII slugs and a station is in one township, so no two townships share a word; the word
    changes only when stations.csv gives the township an institute."""
    def rank(station: Station) -> tuple[int, str]:
        return (LEVEL_ORDER.index(station.level) if station.level in LEVEL_ORDER else len(LEVEL_ORDER), station.id)

    stations = list(stations)
    slugs: dict[str, str] = {}
    institutes = [s for s in stations if s.township and s.level == "institute"]
    others = [s for s in stations if s.township and s.level != "institute"]
    for station in sorted(institutes, key=rank) + sorted(others, key=rank):
        slugs.setdefault(station.township, station.id)
    return slugs


def _hashed(township: str) -> str:
    """The address word of a township before readable slugs (kept for the redirects)."""
    return hashlib.sha256(township.encode()).hexdigest()[:10]


@dataclass
class Archive:
    key: tuple[str, str]
    title: str
    url: str
    description: str = ""
    story_ids: list[int] = field(default_factory=list)
    has_feed: bool = False

    def page_url(self, number: int) -> str:
        return self.url if number == 0 else f"{self.url}page/{number}/"


@dataclass(frozen=True)
class Output:
    """One file of the site: its fingerprint and how to make its bytes. A file taken as it is (a
    photo's web size, a rendered card or clip, a package's audio) names its `source`, which the
    build links in; its fingerprint must then change whenever the source's content does."""

    fingerprint: str
    render: Callable[[], bytes]
    source: Path | None = None


def rendition_site_path(stored_path: str) -> str:
    """Where a rendition file (`ab/abcdef….jpg` in the renditions folder) is on the site."""
    name = stored_path.rsplit("/", 1)[-1]
    stem, _, ext = name.partition(".")
    return f"/media/r/{stem[:2]}/{stem[:20]}.{ext}"


def web_images(newsroom: Newsroom, image_cache: Path, *story_sets: list[LiveStory]) -> dict[str, WebImage]:
    """The web sizes of every photo the stories show, made in the image cache where missing."""
    images: dict[str, WebImage] = {}
    for stories in story_sets:
        for story in stories:
            for ref in story.revision.content.images:
                if ref.sha256 not in images:
                    made = web_renditions(newsroom.media_dir, image_cache, ref)
                    if made is not None:
                        images[ref.sha256] = made
    return images


def image_sizes(images: dict[str, WebImage], image_cache: Path) -> dict[str, int]:
    """The byte size of each photo's largest size: a feed's enclosure says it."""
    return {img.largest: (image_cache / img.largest.lstrip("/")).stat().st_size for img in images.values()}


class SiteModel:
    """The shared context of one build: what is live on the web and in the feeds, their archives,
    and the pieces every page shares. Pages, feeds and sitemaps are made from it."""

    def __init__(self, newsroom: Newsroom, web: list[LiveStory], rss: list[LiveStory], images: dict[str, WebImage],
                 image_bytes: dict[str, int] | None = None, media: dict[tuple[int, int], dict[str, StoredRendition]] | None = None):
        self.newsroom = newsroom
        self.rss_enabled = bool(newsroom.channels_of_kind("rss"))
        self.broadcasts = bool(newsroom.channels_of_kind("loudspeaker"))  # the podcast and its page
        self.image_bytes = image_bytes or {}
        self.site = newsroom.site
        self.tz = newsroom.tz
        self.web = web
        self.rss = rss
        self.by_id = {story.id: story for story in web}
        self.rss_by_id = {story.id: story for story in rss}
        self.images = images
        self.media = media or {}  # (story, revision) → kind → StoredRendition (cards, clips)
        self.env = environment(newsroom.root)  # the pages' templates, a newsroom's own first
        self.css = self.static("site.css")
        self.css_url = f"/static/site.css?v={hashlib.sha256(self.css).hexdigest()[:10]}"
        self.globals = self._global_fingerprint()
        self.newest = max((s.revision.created_at for s in web + rss), default=datetime(2000, 1, 1, tzinfo=UTC))
        # every page shows the year of the newest story in its footer
        self._fingerprint_base = hashlib.sha256(
            f"{self.globals}|{self.css_url}|{self.newest.astimezone(self.tz).year}|".encode())
        self._township_slugs = township_slugs(newsroom.stations.values())
        self.web_archives = self._archives(web)
        same = len(rss) == len(web) and all(a is b for a, b in zip(rss, web, strict=True))
        self.rss_archives = self.web_archives if same else self._archives(rss)
        # worked out once per build, shared by every page and feed that shows the story
        self.derived_texts: dict[tuple[int, int], tuple[str, str, str]] = {}
        self.cards: dict[tuple[int, int], dict[str, Any]] = {}
        self.feed_items: dict[tuple[int, int], Any] = {}

    def static(self, name: str) -> bytes:
        override = self.newsroom.root / "templates" / "web" / "static" / name
        return (override if override.exists() else templates_dir() / "web" / "static" / name).read_bytes()

    def _global_fingerprint(self) -> str:
        hasher = hashlib.sha256()
        for folder in (templates_dir() / "web", self.newsroom.root / "templates" / "web"):
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        hasher.update(path.name.encode() + path.read_bytes())
        stations = sorted((s.id, s.name, s.level, s.parent, s.township, s.village, s.lat, s.lon)
                          for s in self.newsroom.stations.values())
        hasher.update(json.dumps([self.site.title, self.site.base_url, self.site.language, self.broadcasts, stations,
                                  sorted((th.id, th.name) for th in self.newsroom.themes.values())],
                                 ensure_ascii=False, default=str).encode())
        return hasher.hexdigest()

    # --- archives and addresses -------------------------------------------------------------------

    def chain(self, station_id: str) -> list[Station]:
        """The station and everything above it, nearest first."""
        found: list[Station] = []
        current: Station | None = self.newsroom.stations.get(station_id)
        while current is not None and current not in found:
            found.append(current)
            current = self.newsroom.stations.get(current.parent or "")
        return found

    def _archives(self, stories: list[LiveStory]) -> dict[tuple[str, str], Archive]:
        """Every station, township and theme has its page (the map and the directory link to them
        all, with or without stories yet); months exist where there are stories."""
        archives: dict[tuple[str, str], Archive] = {("home", ""): Archive(("home", ""), words.site.LATEST, "/", has_feed=True)}
        for station in sorted(self.newsroom.stations.values(), key=lambda s: s.id):
            archives[("station", station.id)] = Archive(
                ("station", station.id), station.name, self.station_url(station.id),
                words.site.station_description(station.township, station.village, station.level),
                has_feed=True)
            if station.township:
                key = ("township", station.township)
                archives.setdefault(key, Archive(key, station.township, self.township_url(station.township)))
        for theme in self.newsroom.themes.values():
            archives[("theme", theme.id)] = Archive(("theme", theme.id), theme.name, self.theme_url(theme.id),
                                                    has_feed=True)
        station_keys: dict[str, list[tuple[str, str]]] = {}
        for story in stories:  # newest first, so every archive's list is too
            content = story.revision.content
            if content.station_id not in station_keys:
                chain = self.chain(content.station_id)
                station_keys[content.station_id] = [("home", ""), *(("station", s.id) for s in chain)] \
                    + ([("township", chain[0].township)] if chain and chain[0].township else [])
            keys = list(station_keys[content.station_id])
            if content.theme in self.newsroom.themes:
                keys.append(("theme", content.theme))
            month = (content.dateline or story.created_at).astimezone(self.tz)
            key = ("month", f"{month:%Y-%m}")
            archives.setdefault(key, Archive(key, words.site.month_title(month.year, month.month), f"/{month:%Y}/{month:%m}/"))
            keys.append(key)
            for key in dict.fromkeys(keys):
                if key in archives:
                    archives[key].story_ids.append(story.id)
        return archives

    def station_url(self, station_id: str) -> str:
        return f"/stations/{station_id}/"

    def township_url(self, township: str) -> str:
        """Named after a station of the township (see `township_slugs`): `/townships/qiaotou/`."""
        return f"/townships/{self._township_slugs.get(township) or _hashed(township)}/"

    def moved_township_url(self, township: str) -> str | None:
        """The address builds before readable township slugs gave the township (a hash of its
        name), still answered with a redirect; None when it is the address itself."""
        old = f"/townships/{_hashed(township)}/"
        return None if old == self.township_url(township) or _hashed(township) in self._township_slugs.values() else old

    def theme_url(self, theme_id: str) -> str:
        return f"/themes/{theme_id}/"

    def absolute(self, path: str) -> str:
        return urljoin(self.site.base_url, path.lstrip("/"))

    def feed_links(self, key: tuple[str, str]) -> list[tuple[str, str, str]]:
        """The RSS and Atom feeds of an archive, for the pages that announce them."""
        archive = self.rss_archives.get(key)
        if not self.rss_enabled or archive is None or not archive.has_feed:
            return []
        return [(archive.title, f"{archive.url}feed.xml", "application/rss+xml"),
                (archive.title, f"{archive.url}atom.xml", "application/atom+xml")]

    # --- what every page gets ---------------------------------------------------------------------

    def common(self, title: str, path: str, description: str = "", og_type: str = "website",
               og_image: str | None = None, feeds: Iterable[tuple[str, str, str]] = (),
               breadcrumbs: Iterable[tuple[str, str]] = (), current: str = "") -> dict[str, Any]:
        nav = [(words.site.HOME, "/"), (words.site.STATIONS, "/stations/"), (words.site.MAP, "/map/")]
        if self.broadcasts:
            nav.append((words.site.BROADCASTS, BROADCASTS_URL))
        nav += [(theme.name, self.theme_url(theme.id)) for theme in list(self.newsroom.themes.values())[:6]]
        return {
            "site": {"title": self.site.title, "base_url": self.site.base_url, "language": self.site.language,
                     "css_url": self.css_url, "year": self.newest.astimezone(self.tz).year,
                     "broadcasts_url": BROADCASTS_URL if self.broadcasts else None,
                     "podcast_url": PODCAST_URL if self.broadcasts else None},
            "nav": [{"title": name, "url": url, "current": url == current} for name, url in nav],
            "page": {"title": self.site.title if path == "/" else words.site.window_title(title, self.site.title),
                     "description": description or self.site.title, "canonical_abs": self.absolute(path),
                     "og_type": og_type, "og_image_abs": self.absolute(og_image) if og_image else None,
                     "feeds": [{"title": name, "url": url, "type": kind} for name, url, kind in feeds],
                     # the podcast is announced where a listener looks for it: the home page and its own
                     "podcast": {"title": words.site.podcast_title(self.site.title), "url": PODCAST_URL}
                     if self.broadcasts and path in ("/", BROADCASTS_URL) else None},
            "breadcrumbs": [{"title": name, "url": url} for name, url in breadcrumbs],
        }

    def fingerprint(self, *parts: Any) -> str:
        """What an output depends on, hashed: its own parts (ids, revisions, links) plus the templates
        and settings every output depends on. `repr` of plain values is stable and quick."""
        hasher = self._fingerprint_base.copy()
        hasher.update(repr(parts).encode())
        return hasher.hexdigest()

    # --- stories ----------------------------------------------------------------------------------

    def derived(self, story: LiveStory) -> tuple[str, str, str]:
        """The story's body as HTML, as text, and its summary — worked out once per build (a story
        shows on many pages and feeds)."""
        key = (story.id, story.revision.number)
        if key not in self.derived_texts:
            self.derived_texts[key] = for_story(story.id, lambda: _derive(story))
        return self.derived_texts[key]

    def image_of(self, story: LiveStory, index: int = 0) -> WebImage | None:
        images = story.revision.content.images
        return self.images.get(images[index].sha256) if len(images) > index else None

    def media_of(self, story: LiveStory) -> dict[str, Any]:
        """The story's cover card and clip, where they have been rendered (see `kitchen render`)."""
        made = self.media.get((story.id, story.revision.number), {})
        found: dict[str, Any] = {}
        cover = made.get("card-cover")
        if cover is not None:
            found["cover"] = {"src": rendition_site_path(cover.files["main"]), "width": cover.meta.get("width"),
                              "height": cover.meta.get("height"), "alt": story.revision.content.title}
        clip = made.get("clip-landscape") or made.get("clip-vertical")
        if clip is not None and {"main", "poster", "vtt"} <= set(clip.files):
            found["video"] = {"src": rendition_site_path(clip.files["main"]),
                              "poster": rendition_site_path(clip.files["poster"]),
                              "vtt": rendition_site_path(clip.files["vtt"]), "width": clip.meta.get("width"),
                              "height": clip.meta.get("height"), "duration": clip.meta.get("duration")}
        return found

    def media_key(self, story: LiveStory) -> list[tuple[str, str]]:
        """For fingerprints: a new cover or clip of the story changes what shows it."""
        return sorted((kind, made.sha256) for kind, made in self.media.get((story.id, story.revision.number), {}).items())

    def card(self, story: LiveStory) -> dict[str, Any]:
        """The story as a listing shows it."""
        key = (story.id, story.revision.number)
        if key not in self.cards:
            self.cards[key] = for_story(story.id, lambda: self._card(story))
        return self.cards[key]

    def _card(self, story: LiveStory) -> dict[str, Any]:
        content = story.revision.content
        station = self.newsroom.stations.get(content.station_id)
        image = self.image_of(story)
        caption = content.images[0].caption if content.images else ""
        moment = content.dateline or story.created_at
        return {
            "url": story.path, "title": content.title, "date_display": date_zh(moment, self.tz),
            "date_iso": moment.astimezone(self.tz).isoformat(), "station_name": station.name if station else "",
            "station_url": self.station_url(content.station_id) if station else "",
            "theme_name": self.newsroom.theme_name(content.theme) if content.theme else "",
            "theme_url": self.theme_url(content.theme) if content.theme in self.newsroom.themes else "",
            "summary": self.derived(story)[2],
            "image": image.card(content.title, caption, "(max-width: 720px) 100vw, 360px") if image else None,
            "corrected": bool(story.corrections),
        }


def _derive(story: LiveStory) -> tuple[str, str, str]:
    content = story.revision.content
    html = markdown_to_html(content.body_md)
    text = html_to_plain(html)
    return html, text, content.summary or summarize(text)
