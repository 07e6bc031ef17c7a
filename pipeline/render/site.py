"""The static news site: every page and feed computed from the stories live on the `web` and `rss`
channels, written into a new build folder that is then switched in atomically.

Phased like Pelican: load what is live, work out the shared model (archives, pages, feeds), then
write. Incremental like a build system: every output has a fingerprint of what it shows (the
stories on it and their revisions, the templates, the site settings); a build writes only the files
whose fingerprint changed and links the rest from the previous build, so a full rebuild and an
incremental one produce the same tree. Pagination is counted from the oldest story, so a new story
changes the newest page of each archive it is in, not every page after it.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import Connection

from pipeline.live import LiveStory, live_on, merge_live
from pipeline.model import LEVEL_NAMES_ZH, Station
from pipeline.render.images import WebImage, web_renditions
from pipeline.render.markdown import html_to_plain, markdown_to_html, summarize
from pipeline.resources import templates_dir
from pipeline.settings import Newsroom
from pipeline.timeutil import date_zh

PAGE_SIZE = 20
FEED_SIZE = 20
KEEP_BUILDS = 5
LEVEL_WORDS = {"center": "中心", "institute": "实践所", "station": "实践站", "point": "实践点"}


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
    """One file of the site: its fingerprint and how to make its bytes."""

    fingerprint: str
    render: Callable[[], bytes]


class SiteBuilder:
    """Works out every output of the site for a set of live stories."""

    def __init__(self, newsroom: Newsroom, web: list[LiveStory], rss: list[LiveStory], images: dict[str, WebImage],
                 image_bytes: dict[str, int] | None = None, media: dict[tuple[int, int], dict[str, Any]] | None = None):
        from pipeline.templating import environment

        self.newsroom = newsroom
        self.rss_enabled = bool(newsroom.channels_of_kind("rss"))
        self.image_bytes = image_bytes or {}
        self.site = newsroom.site
        self.tz = newsroom.tz
        self.web = web
        self.rss = rss
        self.by_id = {story.id: story for story in web}
        self.rss_by_id = {story.id: story for story in rss}
        self.images = images
        self.media = media or {}  # (story, revision) → kind → StoredRendition (cards, clips)
        self.env = environment(newsroom.root)
        self.css = self._static("site.css")
        self.css_url = f"/static/site.css?v={hashlib.sha256(self.css).hexdigest()[:10]}"
        self.globals = self._global_fingerprint()
        self.newest = max((s.revision.created_at for s in web + rss), default=datetime(2000, 1, 1, tzinfo=UTC))
        # every page shows the year of the newest story in its footer
        self._fingerprint_base = hashlib.sha256(
            f"{self.globals}|{self.css_url}|{self.newest.astimezone(self.tz).year}|".encode())
        self.web_archives = self._archives(web)
        same = len(rss) == len(web) and all(a is b for a, b in zip(rss, web, strict=True))
        self.rss_archives = self.web_archives if same else self._archives(rss)
        self._derived: dict[tuple[int, int], tuple[str, str, str]] = {}
        self._cards: dict[tuple[int, int], dict[str, Any]] = {}
        self._items: dict[tuple[int, int], Any] = {}

    # --- the shared model ------------------------------------------------------------------------

    def _static(self, name: str) -> bytes:
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
        hasher.update(json.dumps([self.site.title, self.site.base_url, self.site.language, stations,
                                  sorted((th.id, th.name) for th in self.newsroom.themes.values())],
                                 ensure_ascii=False, default=str).encode())
        return hasher.hexdigest()

    def chain(self, station_id: str) -> list[Station]:
        """The station and everything above it, nearest first."""
        found, current = [], self.newsroom.stations.get(station_id)
        while current is not None and current not in found:
            found.append(current)
            current = self.newsroom.stations.get(current.parent or "")
        return found

    def _archives(self, stories: list[LiveStory]) -> dict[tuple[str, str], Archive]:
        """Every station, township and theme has its page (the map and the directory link to them
        all, with or without stories yet); months exist where there are stories."""
        archives: dict[tuple[str, str], Archive] = {("home", ""): Archive(("home", ""), "最新动态", "/", has_feed=True)}
        for station in sorted(self.newsroom.stations.values(), key=lambda s: s.id):
            archives[("station", station.id)] = Archive(
                ("station", station.id), station.name, self.station_url(station.id),
                f"{station.township} {station.village} {LEVEL_WORDS.get(station.level, '')}".replace("  ", " ").strip(),
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
                station = self.newsroom.stations.get(content.station_id)
                station_keys[content.station_id] = [("home", ""), *(("station", s.id) for s in self.chain(content.station_id))] \
                    + ([("township", station.township)] if station and station.township else [])
            keys = list(station_keys[content.station_id])
            if content.theme in self.newsroom.themes:
                keys.append(("theme", content.theme))
            month = (content.dateline or story.created_at).astimezone(self.tz)
            key = ("month", f"{month:%Y-%m}")
            archives.setdefault(key, Archive(key, f"{month.year}年{month.month}月", f"/{month:%Y}/{month:%m}/"))
            keys.append(key)
            for key in dict.fromkeys(keys):
                if key in archives:
                    archives[key].story_ids.append(story.id)
        return archives

    def station_url(self, station_id: str) -> str:
        return f"/stations/{station_id}/"

    def township_url(self, township: str) -> str:
        """Named after the township's institute (`/townships/qiaotou/`), which already has an ASCII id."""
        if not hasattr(self, "_township_ids"):
            self._township_ids = {s.township: s.id for s in sorted(self.newsroom.stations.values(), key=lambda s: s.id)
                                  if s.level == "institute" and s.township}
        slug = self._township_ids.get(township) or hashlib.sha256(township.encode()).hexdigest()[:10]
        return f"/townships/{slug}/"

    def theme_url(self, theme_id: str) -> str:
        return f"/themes/{theme_id}/"

    def absolute(self, path: str) -> str:
        return urljoin(self.site.base_url, path.lstrip("/"))

    # --- what every page gets ---------------------------------------------------------------------

    def common(self, title: str, path: str, description: str = "", og_type: str = "website",
               og_image: str | None = None, feeds: Iterable[tuple[str, str, str]] = (),
               breadcrumbs: Iterable[tuple[str, str]] = (), current: str = "") -> dict[str, Any]:
        nav = [("首页", "/"), ("实践站点", "/stations/"), ("实践地图", "/map/")]
        nav += [(theme.name, self.theme_url(theme.id)) for theme in list(self.newsroom.themes.values())[:6]]
        return {
            "site": {"title": self.site.title, "base_url": self.site.base_url, "language": self.site.language,
                     "css_url": self.css_url, "year": self.newest.astimezone(self.tz).year},
            "nav": [{"title": name, "url": url, "current": url == current} for name, url in nav],
            "page": {"title": self.site.title if path == "/" else f"{title} - {self.site.title}",
                     "description": description or self.site.title, "canonical_abs": self.absolute(path),
                     "og_type": og_type, "og_image_abs": self.absolute(og_image) if og_image else None,
                     "feeds": [{"title": name, "url": url, "type": kind} for name, url, kind in feeds]},
            "breadcrumbs": [{"title": name, "url": url} for name, url in breadcrumbs],
        }

    def _render(self, template: str, context: dict[str, Any]) -> bytes:
        return self.env.get_template(f"web/{template}").render(**context).encode("utf-8")

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
        if key not in self._derived:
            content = story.revision.content
            html = markdown_to_html(content.body_md)
            text = html_to_plain(html)
            self._derived[key] = (html, text, content.summary or summarize(text))
        return self._derived[key]

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

    def card(self, story: LiveStory) -> dict[str, Any]:
        key = (story.id, story.revision.number)
        if key not in self._cards:
            self._cards[key] = self._card(story)
        return self._cards[key]

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

    def story_context(self, story: LiveStory) -> dict[str, Any]:
        content = story.revision.content
        chain = self.chain(content.station_id)
        station = chain[0] if chain else None
        institute = next((s for s in chain if s.level == "institute"), None)
        moment = content.dateline or story.created_at
        images = [img.card(content.title, ref.caption) for ref in content.images if (img := self.images.get(ref.sha256))]
        body_html, _, summary = self.derived(story)
        media = self.media_of(story)
        og_image = media["cover"]["src"] if "cover" in media else self.image_of(story).largest if self.image_of(story) else None
        context = self.common(
            content.title, story.path, summary, "article", og_image,
            feeds=self._feed_links(("station", content.station_id)) if station else (),
            breadcrumbs=[("首页", "/")] + [(s.name, self.station_url(s.id)) for s in reversed(chain) if s.level != "center"],
        )
        context["story"] = {
            "id": story.id, "title": content.title, "body_html": body_html, "summary": summary,
            "date_display": date_zh(moment, self.tz), "date_iso": moment.astimezone(self.tz).isoformat(),
            "updated_iso": story.revision.created_at.astimezone(self.tz).isoformat(), "author": content.author,
            "station": {"name": station.name, "url": self.station_url(station.id),
                        "level_name": LEVEL_NAMES_ZH.get(station.level, "")} if station else None,
            "township": {"name": station.township, "url": self.township_url(station.township)}
            if station and station.township else None,
            "institute": {"name": institute.name, "url": self.station_url(institute.id)} if institute else None,
            "theme": {"name": self.newsroom.theme_name(content.theme), "url": self.theme_url(content.theme)}
            if content.theme in self.newsroom.themes else None,
            "images": images,
            "cover": media.get("cover"),
            "video": media.get("video"),
            "corrections": [{"date_display": date_zh(rev.created_at, self.tz), "note": rev.note}
                            for rev in story.corrections],
            "canonical_abs": self.absolute(story.path),
        }
        return context

    def article_page(self, story: LiveStory) -> bytes:
        return self._render("article.html", self.story_context(story))

    # --- archives ---------------------------------------------------------------------------------

    def _feed_links(self, key: tuple[str, str]) -> list[tuple[str, str, str]]:
        archive = self.rss_archives.get(key)
        if not self.rss_enabled or archive is None or not archive.has_feed:
            return []
        return [(archive.title, f"{archive.url}feed.xml", "application/rss+xml"),
                (archive.title, f"{archive.url}atom.xml", "application/atom+xml")]

    def listing_pages(self, archive: Archive) -> dict[str, Output]:
        """The archive's front page (newest stories) and its numbered pages, counted from the oldest."""
        ids = archive.story_ids
        total = max(1, math.ceil(len(ids) / PAGE_SIZE))
        outputs: dict[str, Output] = {}
        for number in range(0, total + 1):
            if number == 0:
                on_page = ids[:PAGE_SIZE]
            else:  # page 1 holds the oldest PAGE_SIZE stories, page `total` the newest remainder
                end = len(ids) - (number - 1) * PAGE_SIZE
                on_page = ids[max(0, end - PAGE_SIZE):end]
            if number and not on_page:
                continue
            if number == 0:  # "older" goes to the page holding the story right after the front page's last
                older = archive.page_url((len(ids) - 1 - PAGE_SIZE) // PAGE_SIZE + 1) if len(ids) > PAGE_SIZE else None
                newer = None
            else:
                older = archive.page_url(number - 1) if number > 1 else None
                newer = archive.page_url(number + 1) if number < total else archive.url
            pagination = {"current": number, "total": total if number == 0 else None,
                          "range": self._date_range(on_page) if number else None,
                          "newer_url": newer, "older_url": older, "pages": []}
            path = archive.page_url(number)
            revisions = [(i, self.by_id[i].revision.number) for i in on_page]
            front = (len(ids), self._station_children(archive)) if number == 0 else None
            outputs[path] = Output(self.fingerprint("listing", archive.key, path, revisions, pagination,
                                                    archive.title, self._feed_links(archive.key), front),
                                   lambda a=archive, p=path, o=on_page, pg=pagination: self._listing(a, p, o, pg))
        return outputs

    def _date_range(self, story_ids: list[int]) -> str:
        moments = [self.by_id[i].revision.content.dateline or self.by_id[i].created_at for i in story_ids]
        first, last = date_zh(min(moments), self.tz), date_zh(max(moments), self.tz)
        if first == last:
            return first
        return f"{first}至{last[5:] if first[:5] == last[:5] else last}"

    def _station_children(self, archive: Archive) -> list[tuple[str, int]]:
        if archive.key[0] != "station":
            return []
        return [(child.id, len(self.web_archives.get(("station", child.id), Archive(("", ""), "", "")).story_ids))
                for child in self.newsroom.stations.values() if child.parent == archive.key[1]]

    def _listing(self, archive: Archive, path: str, on_page: list[int], pagination: dict[str, Any]) -> bytes:
        title = archive.title if not pagination["current"] else f"{archive.title}（第{pagination['current']}页）"
        crumbs: list[tuple[str, str]] = [("首页", "/")] if archive.key[0] != "home" else []
        context = self.common(title, path, archive.description, feeds=self._feed_links(archive.key),
                              breadcrumbs=crumbs, current=archive.url)
        context["listing"] = {"title": archive.title, "description": archive.description, "kind": archive.key[0],
                              "feed_url": f"{archive.url}feed.xml" if archive.has_feed else None,
                              "atom_url": f"{archive.url}atom.xml" if archive.has_feed else None,
                              "count": len(archive.story_ids)}
        context["stories"] = [self.card(self.by_id[i]) for i in on_page]
        context["pagination"] = pagination
        if archive.key[0] == "station":
            station = self.newsroom.stations[archive.key[1]]
            parent = self.newsroom.stations.get(station.parent or "")
            context["station"] = {
                "name": station.name, "url": archive.url, "level_name": LEVEL_NAMES_ZH.get(station.level, ""),
                "parent": {"name": parent.name, "url": self.station_url(parent.id)} if parent else None,
                "children": [{"name": self.newsroom.stations[cid].name, "url": self.station_url(cid),
                              "level_name": LEVEL_NAMES_ZH.get(self.newsroom.stations[cid].level, ""), "count": count}
                             for cid, count in self._station_children(archive)] if not pagination["current"] else [],
            }
        return self._render("index.html" if archive.key[0] == "home" else "list.html", context)

    # --- feeds ------------------------------------------------------------------------------------

    def feed_outputs(self, archive: Archive) -> dict[str, Output]:
        from pipeline.render.feeds import Feed, render_atom, render_rss

        items = archive.story_ids[:FEED_SIZE]
        revisions = [(i, self.rss_by_id[i].revision.number, i in self.by_id, self._media_key(self.rss_by_id[i]))
                     for i in items]
        feed = lambda: Feed(  # noqa: E731 — built only when the file is written
            id=f"urn:kitchen:{self.site.host}:feed:{archive.key[0]}:{archive.key[1]}",
            title=archive.title if archive.key[0] == "home" else f"{archive.title} - {self.site.title}",
            link=self.absolute(archive.url), description=archive.description or self.site.title,
            language=self.site.language, rss_url=self.absolute(f"{archive.url}feed.xml"),
            atom_url=self.absolute(f"{archive.url}atom.xml"),
            items=tuple(self.feed_item(self.rss_by_id[i]) for i in items))
        fingerprint = self.fingerprint("feed", archive.key, revisions, self.newest if not items else None)
        return {f"{archive.url}feed.xml": Output(fingerprint, lambda: render_rss(feed(), self.tz, self.newest)),
                f"{archive.url}atom.xml": Output(fingerprint, lambda: render_atom(feed(), self.tz, self.newest))}

    def feed_item(self, story: LiveStory) -> Any:
        key = (story.id, story.revision.number)
        if key not in self._items:
            self._items[key] = self._feed_item(story)
        return self._items[key]

    def _feed_item(self, story: LiveStory) -> Any:
        from pipeline.render.feeds import Enclosure, FeedItem

        content = story.revision.content
        image = self.image_of(story)
        enclosure = None
        cover = self.media_of(story).get("cover")
        if cover is not None:  # the cover card is what a feed reader shows for the entry
            enclosure = Enclosure(self.absolute(cover["src"]), self.image_bytes.get(cover["src"], 0), "image/jpeg")
        elif image is not None:
            enclosure = Enclosure(self.absolute(image.largest), self.image_bytes.get(image.largest, 0), "image/jpeg")
        body, _, summary = self.derived(story)
        pictures = "".join(f'<p><img src="{self.absolute(img.largest)}" alt="{_attr(ref.caption or content.title)}"></p>'
                           for ref in content.images if (img := self.images.get(ref.sha256)))
        notes = "".join(f"<p><strong>更正（{date_zh(rev.created_at, self.tz)}）：</strong>{_text(rev.note)}</p>"
                        for rev in story.corrections)
        on_site = story.id in self.by_id  # a story only in the feeds has no page to link to
        return FeedItem(
            guid=f"urn:kitchen:{self.site.host}:story:{story.id}", title=content.title,
            link=self.absolute(story.path if on_site else "/"),
            summary=summary, content_html=notes + pictures + _absolute_urls(body, self.site.base_url),
            published=min(story.published_at or story.revision.created_at, story.revision.created_at),
            updated=story.revision.created_at, author=content.author,
            categories=tuple(filter(None, [self.newsroom.theme_name(content.theme) if content.theme else "",
                                           self.newsroom.station_name(content.station_id)])),
            enclosure=enclosure)

    # --- the site-wide pages ----------------------------------------------------------------------

    def site_outputs(self) -> dict[str, Output]:
        outputs: dict[str, Output] = {}
        for story in self.web:
            outputs[f"{story.path}index.html"] = Output(
                self.fingerprint("article", story.id, story.revision.number, [r.number for r in story.corrections],
                                 story.path, self._media_key(story)),
                lambda s=story: self.article_page(s))
        for archive in self.web_archives.values():
            for path, output in self.listing_pages(archive).items():
                outputs[f"{path}index.html"] = output
        if self.rss_enabled:  # the home feed exists even while it is empty
            for archive in self.rss_archives.values():
                if archive.has_feed:
                    outputs.update(self.feed_outputs(archive))
        latest = self._latest_by_station()
        counts = {key[1]: len(a.story_ids) for key, a in self.web_archives.items() if key[0] == "station"}
        outputs["/stations/index.html"] = Output(self.fingerprint("stations", counts), self._directory)
        on_map = self._latest_revisions(latest)
        outputs["/map/index.html"] = Output(self.fingerprint("map", on_map), lambda: self._map(latest))
        outputs["/map/stations.geojson"] = Output(self.fingerprint("geojson", on_map), lambda: self._geojson(latest))
        outputs["/404.html"] = Output(self.fingerprint("404"), lambda: self._render("404.html", self.common("页面未找到", "/404.html")))
        outputs["/robots.txt"] = Output(self.fingerprint("robots"), lambda: (
            f"User-agent: *\nAllow: /\nSitemap: {self.absolute('/sitemap.xml')}\n").encode())
        outputs["/static/site.css"] = Output(self.fingerprint("css"), lambda: self.css)
        outputs["/static/favicon.svg"] = Output(self.fingerprint("favicon"), lambda: self._static("favicon.svg"))
        outputs.update(self._sitemaps())
        return outputs

    def _latest_by_station(self) -> dict[str, list[int]]:
        latest: dict[str, list[int]] = {}
        for story in self.web:  # newest first
            bucket = latest.setdefault(story.revision.content.station_id, [])
            if len(bucket) < 3:
                bucket.append(story.id)
        return latest

    def _media_key(self, story: LiveStory) -> list[tuple[str, str]]:
        return sorted((kind, made.sha256) for kind, made in self.media.get((story.id, story.revision.number), {}).items())

    def _latest_revisions(self, latest: dict[str, list[int]]) -> dict[str, list[tuple[int, int]]]:
        """For fingerprints: a correction of a story on the map changes the map."""
        return {sid: [(i, self.by_id[i].revision.number) for i in ids] for sid, ids in latest.items()}

    def _tree(self, station: Station) -> dict[str, Any]:
        children = sorted((s for s in self.newsroom.stations.values() if s.parent == station.id), key=lambda s: s.id)
        return {"name": station.name, "url": self.station_url(station.id), "level_name": LEVEL_NAMES_ZH.get(station.level, ""),
                "count": len(self.web_archives.get(("station", station.id), Archive(("", ""), "", "")).story_ids),
                "township": station.township, "children": [self._tree(child) for child in children]}

    def _directory(self) -> bytes:
        centers = [s for s in self.newsroom.stations.values() if s.level == "center"]
        context = self.common("新时代文明实践站点", "/stations/", "全县新时代文明实践中心、所、站、点一览",
                              breadcrumbs=[("首页", "/")], current="/stations/")
        trees = [self._tree(center) for center in sorted(centers, key=lambda s: s.id)]
        context["center"] = trees[0] if trees else None
        context["institutes"] = [child for tree in trees for child in tree["children"]]
        context["map_url"] = "/map/"
        context["geojson_url"] = "/map/stations.geojson"
        return self._render("stations.html", context)

    def _map(self, latest: dict[str, list[int]]) -> bytes:
        placed = [s for s in self.newsroom.stations.values() if s.lat is not None and s.lon is not None]
        width, height, project = _projection(placed)
        points = []
        for station in sorted(placed, key=lambda s: ("center", "institute", "station", "point").index(s.level)):
            x, y = project(station)
            points.append({"x": x, "y": y, "name": station.name, "url": self.station_url(station.id),
                           "level": station.level, "level_name": LEVEL_NAMES_ZH.get(station.level, ""),
                           "township": station.township,
                           "latest": [{"title": self.by_id[i].revision.content.title, "url": self.by_id[i].path,
                                       "date_display": date_zh(self.by_id[i].sort_key[0], self.tz)}
                                      for i in latest.get(station.id, [])]})
        townships: dict[str, list[tuple[float, float]]] = {}
        for point in points:
            if point["township"]:
                townships.setdefault(point["township"], []).append((point["x"], point["y"]))
        context = self.common("文明实践地图", "/map/", "全县新时代文明实践阵地分布图", breadcrumbs=[("首页", "/")],
                              current="/map/")
        context["map"] = {"width": width, "height": height, "points": points,
                          "townships": [{"name": name, "x": round(min(width - 40, max(40, sum(x for x, _ in xy) / len(xy))), 1),
                                         "y": round(max(14, min(y for _, y in xy) - 14), 1)}
                                        for name, xy in sorted(townships.items())],
                          "legend": [{"level": level, "level_name": LEVEL_NAMES_ZH[level]} for level in
                                     ("center", "institute", "station", "point")]}
        context["geojson_url"] = "/map/stations.geojson"
        return self._render("map.html", context)

    def _geojson(self, latest: dict[str, list[int]]) -> bytes:
        features = []
        for station in sorted(self.newsroom.stations.values(), key=lambda s: s.id):
            if station.lat is None or station.lon is None:
                continue
            features.append({"type": "Feature", "id": station.id,
                             "geometry": {"type": "Point", "coordinates": [station.lon, station.lat]},
                             "properties": {"name": station.name, "level": station.level, "township": station.township,
                                            "village": station.village, "url": self.absolute(self.station_url(station.id)),
                                            "latest": [{"title": self.by_id[i].revision.content.title,
                                                        "url": self.absolute(self.by_id[i].path)}
                                                       for i in latest.get(station.id, [])]}})
        return (json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n").encode()

    def _sitemaps(self) -> dict[str, Output]:
        months: dict[str, list[LiveStory]] = {}
        for story in self.web:
            months.setdefault(story.month.replace("/", "-"), []).append(story)
        outputs: dict[str, Output] = {}
        for month, stories in months.items():
            entries = sorted((s.path, s.revision.created_at.astimezone(self.tz).isoformat()) for s in stories)
            outputs[f"/sitemaps/{month}.xml"] = Output(self.fingerprint("sitemap", month, entries),
                                                      lambda e=entries: _urlset(self, e))
        sections = sorted([("/", None), ("/stations/", None), ("/map/", None)]
                          + [(a.url, None) for a in self.web_archives.values() if a.key[0] != "home"])
        outputs["/sitemaps/sections.xml"] = Output(self.fingerprint("sitemap", "sections", sections),
                                                  lambda: _urlset(self, sections))
        names = sorted(["sections", *months])
        outputs["/sitemap.xml"] = Output(self.fingerprint("sitemap-index", names), lambda: (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"  <sitemap><loc>{self.absolute(f'/sitemaps/{n}.xml')}</loc></sitemap>\n" for n in names)
            + "</sitemapindex>\n").encode())
        return outputs


def _urlset(builder: SiteBuilder, entries: list[tuple[str, str | None]]) -> bytes:
    rows = "".join(f"  <url><loc>{builder.absolute(path)}</loc>{f'<lastmod>{modified}</lastmod>' if modified else ''}</url>\n"
                   for path, modified in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + rows + "</urlset>\n").encode()


def _projection(stations: list[Station]) -> tuple[int, int, Callable[[Station], tuple[float, float]]]:
    """Equirectangular projection of the county into an SVG box, north up, with a margin."""
    width, margin = 800, 40
    if not stations:
        return width, 500, lambda s: (width / 2, 250.0)
    lats = [s.lat for s in stations if s.lat is not None]
    lons = [s.lon for s in stations if s.lon is not None]
    lat0 = (max(lats) + min(lats)) / 2
    span_x = max((max(lons) - min(lons)) * math.cos(math.radians(lat0)), 1e-4)
    span_y = max(max(lats) - min(lats), 1e-4)
    scale = (width - 2 * margin) / max(span_x, span_y)
    height = int(span_y * scale + 2 * margin)
    inner_width = span_x * scale
    offset_x = (width - inner_width) / 2

    def project(station: Station) -> tuple[float, float]:
        assert station.lat is not None and station.lon is not None
        x = offset_x + (station.lon - min(lons)) * math.cos(math.radians(lat0)) * scale
        y = margin + (max(lats) - station.lat) * scale
        return round(x, 1), round(y, 1)

    return width, max(height, 200), project


def _absolute_urls(html: str, base_url: str) -> str:
    return re.sub(r'(href|src)="(/[^"]*)"', lambda m: f'{m.group(1)}="{urljoin(base_url, m.group(2).lstrip("/"))}"', html)


def _attr(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def _text(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


# --- building and switching -----------------------------------------------------------------------
#
# A build is a folder `builds/NNNNNN/` that a web server can serve as it is. Files at the top two
# levels (the home page, feeds, /stations/index.html …) are in it directly; every deeper folder
# (/2026/11/, /stations/qiaotou/, /page/3/, /media/ab/ …) is a symbolic link to an immutable chunk
# folder `chunks/<fingerprint>/` named by what is in it. A build only makes the chunks whose
# content changed (linking their unchanged files from the chunk they replace), so publishing one
# story costs a few folders, not a copy of the whole site; and the live site still switches from one
# complete build to the next in one rename.


@dataclass
class BuildResult:
    build: str
    written: list[str]
    removed: list[str]
    total: int
    seconds: float = 0.0


class SiteOutput:
    """The site folder: `builds/`, `chunks/`, the `live` link, the image cache."""

    def __init__(self, root: Path):
        self.root = root
        self.builds = root / "builds"
        self.chunks = root / "chunks"
        self.live = root / "live"
        self.image_cache = root / "image-cache"

    def current(self) -> Path | None:
        return self.live.resolve() if self.live.is_symlink() and self.live.resolve().is_dir() else None

    def history(self) -> list[Path]:
        """Complete builds only: a build gets its number (and its manifest) when it is finished."""
        if not self.builds.is_dir():
            return []
        return sorted(p for p in self.builds.iterdir() if p.is_dir() and p.name.isdigit() and self.manifest(p).exists())

    def manifest(self, build: Path) -> Path:
        """What a build holds, kept beside it (not inside: the build is what the web server serves)."""
        return build.with_name(build.name + ".json")

    def new_build_dir(self) -> Path:
        """A folder to build in, under a temporary name until `finish`."""
        path = self.builds / f".tmp-build-{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def finish(self, made: Path, manifest: dict[str, Any]) -> Path:
        """Give a complete build its number and its manifest."""
        history = self.history()
        number = int(history[-1].name) + 1 if history else 1
        build = self.builds / f"{number:06d}"
        if build.exists():  # left by a crash between the rename and the manifest
            shutil.rmtree(build)
        os.replace(made, build)
        self.manifest(build).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
        return build

    def switch(self, build: Path) -> None:
        """Point `live` at the build in one atomic rename."""
        temporary = self.root / f".live-{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(os.path.relpath(build, self.root))
        os.replace(temporary, self.live)

    def prune(self, keep: int = KEEP_BUILDS) -> None:
        """Drop old builds, builds and chunks a crash left half made, and chunks no kept build uses.
        Only ever called under the publish lock, so nothing else is building meanwhile."""
        current = self.current()
        trash = self.root / "trash"
        trash.mkdir(exist_ok=True)
        for old in self.history()[:-keep]:
            if old != current:
                self.manifest(old).unlink(missing_ok=True)
                os.replace(old, trash / f"build-{uuid.uuid4().hex[:12]}")
        if self.builds.is_dir():
            for leftover in self.builds.iterdir():
                if leftover.name.startswith(".tmp-") or (leftover.is_dir() and not self.manifest(leftover).exists()):
                    os.replace(leftover, trash / f"leftover-{uuid.uuid4().hex[:12]}")
        used = set()
        for build in self.history():
            used.update(json.loads(self.manifest(build).read_text(encoding="utf-8")).get("chunks", {}).values())
        if self.chunks.is_dir():
            for chunk in self.chunks.iterdir():
                if chunk.name not in used:
                    os.replace(chunk, trash / f"chunk-{uuid.uuid4().hex[:12]}")
        self.empty_trash()

    def empty_trash(self) -> None:
        """Delete unused chunks in a process of its own: a build does not wait for thousands of
        unlinks (they were moved out of the way with one rename each)."""
        trash = self.root / "trash"
        if trash.is_dir() and any(trash.iterdir()):
            subprocess.Popen([sys.executable, "-c", "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, True)",
                              *map(str, trash.iterdir())], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _broadcast_outputs(newsroom: Newsroom, builder: SiteBuilder) -> dict[str, Output]:
    """The loudspeaker broadcasts' audio and their podcast feed, under /broadcasts/."""
    from pipeline.render.podcast import cover_jpeg, episodes, podcast_xml

    found = episodes(newsroom)
    outputs = {e.site_path: Output(f"file:{e.audio}", lambda f=e.audio: f.read_bytes()) for e in found}
    digest = [(e.unit, e.length, e.seconds, e.title, e.summary) for e in found]
    outputs["/broadcasts/podcast.xml"] = Output(builder.fingerprint("podcast", digest), lambda: podcast_xml(newsroom, found))
    outputs["/broadcasts/cover.jpg"] = Output(builder.fingerprint("podcast-cover"), lambda: cover_jpeg(newsroom))
    return outputs


def rendition_site_path(stored_path: str) -> str:
    """Where a rendition file (`ab/abcdef….jpg` in the renditions folder) is on the site."""
    name = stored_path.rsplit("/", 1)[-1]
    stem, _, ext = name.partition(".")
    return f"/media/r/{stem[:2]}/{stem[:20]}.{ext}"


def chunk_of(path: str) -> str | None:
    """The depth-two folder a file lives in (`/2026/11/12-x/index.html` → `2026/11`), or None for
    the files kept directly in a build."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else None


def build_site(newsroom: Newsroom, conn: Connection, overrides: dict[str, dict[int, int | None]] | None = None,
               full: bool = False) -> BuildResult:
    """Build the site for what is live (plus `overrides` per channel) and switch it in."""
    import time

    started = time.perf_counter()
    overrides = overrides or {}
    # a build run by hand with the web channel off still shows what the web channel delivered
    web_channels = newsroom.channels_of_kind("web") or ("web",)
    rss_channels = newsroom.channels_of_kind("rss")
    live = live_on(conn, {name: overrides.get(name) or {} for name in web_channels + rss_channels}, newsroom.tz)
    web = merge_live([live[name] for name in web_channels])
    rss = merge_live([live[name] for name in rss_channels])
    output = SiteOutput(newsroom.root / "site")
    images = _images(newsroom, output, web, rss)
    from pipeline.render.renditions import renditions_dir, stored_for

    media = stored_for(conn, {(s.id, s.revision.number) for s in web + rss})
    media_files = {rendition_site_path(path): renditions_dir(newsroom) / path
                   for kinds in media.values() for made in kinds.values() for path in made.files.values()}
    sizes = {img.largest: (output.image_cache / img.largest.lstrip("/")).stat().st_size for img in images.values()}
    sizes.update((site, path.stat().st_size) for site, path in media_files.items() if path.exists())
    builder = SiteBuilder(newsroom, web, rss, images, sizes, media)
    plan = builder.site_outputs()
    for image in images.values():
        for _, _, path in image.sizes:
            plan[path] = Output(f"media:{path}", lambda p=path: (output.image_cache / p.lstrip("/")).read_bytes())
    for site_path_, file in media_files.items():
        if file.exists():
            plan[site_path_] = Output(f"file:{file}", lambda f=file: f.read_bytes())
    if newsroom.channels_of_kind("loudspeaker"):
        plan.update(_broadcast_outputs(newsroom, builder))

    previous = None if full else output.current()  # a full build links nothing from the last one
    before: dict[str, Any] = {"files": {}, "chunks": {}}
    if previous is not None and output.manifest(previous).exists():
        before = json.loads(output.manifest(previous).read_text(encoding="utf-8"))
    target = output.new_build_dir()
    groups: dict[str | None, list[str]] = {}
    for path in plan:
        groups.setdefault(chunk_of(path), []).append(path)
    to_render: list[tuple[str, Path]] = []
    chunks: dict[str, str] = {}
    finished: list[tuple[Path, Path]] = []  # chunk folders made under a temporary name
    for chunk, paths in sorted(groups.items(), key=lambda item: item[0] or ""):
        if chunk is None:
            for path in paths:
                old_file = previous / path.lstrip("/") if previous is not None else None
                to_render += _place(plan, path, target / path.lstrip("/"), old_file, before, output)
            continue
        name = hashlib.sha256(json.dumps(sorted((p, plan[p].fingerprint) for p in paths)).encode()).hexdigest()[:24]
        if full:  # everything made anew, even where an identical chunk exists
            name += f"-{target.name}"
        elif before["chunks"].get(chunk, "").split("-")[0] == name:
            name = before["chunks"][chunk]  # unchanged since a full build made it under its own name
        chunks[chunk] = name
        folder = output.chunks / name
        if not folder.exists():
            made = output.chunks / f".tmp-{name}-{os.getpid()}"
            shutil.rmtree(made, ignore_errors=True)
            old = output.chunks / before["chunks"][chunk] if chunk in before["chunks"] else None
            for path in paths:
                inside_chunk = path.lstrip("/")[len(chunk) + 1:]
                to_render += _place(plan, path, made / inside_chunk, old / inside_chunk if old else None, before, output)
            finished.append((made, folder))
        link = target / chunk
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(folder, link.parent))
    _render_all(builder, plan, to_render)
    for made, folder in finished:
        os.replace(made, folder)
    removed = sorted(path for path in before["files"] if path not in plan)
    files = {path: item.fingerprint for path, item in plan.items()}
    build = output.finish(target, {"files": files, "chunks": chunks})
    output.switch(build)
    output.prune()
    return BuildResult(build.name, sorted(path for path, _ in to_render), removed, len(plan),
                       time.perf_counter() - started)


def _place(plan: dict[str, Output], path: str, destination: Path, old_file: Path | None, before: dict[str, Any],
           output: SiteOutput) -> list[tuple[str, Path]]:
    """Put one file in place by linking: the previous build's copy when its fingerprint did not
    change, or the image cache's photo. Returns [(path, destination)] when it must be made."""
    item = plan[path]
    destination.parent.mkdir(parents=True, exist_ok=True)
    if item.fingerprint.startswith(("media:", "file:")):  # photos and renditions: made once, linked
        source = output.image_cache / path.lstrip("/") if item.fingerprint.startswith("media:") \
            else Path(item.fingerprint.removeprefix("file:"))
        try:
            os.link(source, destination)
        except OSError:  # another file system
            shutil.copyfile(source, destination)
        return []
    if old_file is not None and before["files"].get(path) == item.fingerprint and old_file.exists():
        os.link(old_file, destination)
        return []
    return [(path, destination)]


_JOBS: tuple[SiteBuilder, dict[str, Output], list[tuple[str, Path]]] | None = None


_STORIES: list[LiveStory] = []


def _derive_range(bounds: tuple[int, int]) -> list[tuple[tuple[int, int], tuple[str, str, str]]]:
    assert _JOBS is not None
    return [((s.id, s.revision.number), _JOBS[0].derived(s)) for s in _STORIES[bounds[0]:bounds[1]]]


def _render_range(bounds: tuple[int, int]) -> int:
    assert _JOBS is not None
    _, plan, jobs = _JOBS
    for path, destination in jobs[bounds[0]:bounds[1]]:
        destination.write_bytes(plan[path].render())
    return bounds[1] - bounds[0]


def _ranges(total: int, workers: int) -> list[tuple[int, int]]:
    step = max(50, total // (workers * 8))
    return [(start, min(start + step, total)) for start in range(0, total, step)]


def _render_all(builder: SiteBuilder, plan: dict[str, Output], jobs: list[tuple[str, Path]]) -> None:
    """Render and write the files that changed — across the cores when there are many (a full
    build). First every story's Markdown is rendered once, in parallel, and handed back; then
    forked workers, sharing the whole model, write disjoint files."""
    global _JOBS
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < 400 or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for path, destination in jobs:
            destination.write_bytes(plan[path].render())
        return
    _JOBS = (builder, plan, jobs)
    _STORIES[:] = list({(s.id, s.revision.number): s for s in builder.web + builder.rss}.values())
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for part in pool.map(_derive_range, _ranges(len(_STORIES), workers)):
                builder._derived.update(part)
        with context.Pool(workers) as pool:
            pool.map(_render_range, _ranges(len(jobs), workers))
    finally:
        _JOBS = None
        _STORIES.clear()


def _images(newsroom: Newsroom, output: SiteOutput, *story_sets: list[LiveStory]) -> dict[str, WebImage]:
    images: dict[str, WebImage] = {}
    for stories in story_sets:
        for story in stories:
            for ref in story.revision.content.images:
                if ref.sha256 not in images:
                    made = web_renditions(newsroom.media_dir, output.image_cache, ref)
                    if made is not None:
                        images[ref.sha256] = made
    return images


def rollback(newsroom: Newsroom) -> Path:
    """Point the live site at the build before the current one."""
    output = SiteOutput(newsroom.root / "site")
    current, history = output.current(), output.history()
    earlier = [build for build in history if current is None or build.name < current.name]
    for build in reversed(earlier):
        broken = [link for link in build.rglob("*") if link.is_symlink() and not link.exists()]
        if not broken:
            output.switch(build)
            return build
    raise LookupError("there is no earlier complete build to go back to")
