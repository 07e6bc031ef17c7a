"""The loudspeaker broadcasts on the site, under `/broadcasts/`: a page listing the packages the
ledger delivered (by date, slot and township, each with its audio player) and a podcast feed of
the same episodes (newest first) with the `itunes:` tags podcast apps need. A folder in the
outbox that no delivery made (built by hand, or left by an interrupted run) is not an episode.

`itunes:owner` (a contact address, not shown to listeners) is written only when the newsroom
configured one (`[site] email`): an invented address would send Apple's
mail nowhere.

feedgen's podcast extension only accepts yes / no / clean for `itunes:explicit`, while Apple's
current specification wants true / false: the value is set after generation."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree
from PIL import ImageDraw
from sqlalchemy import Connection

from pipeline import words
from pipeline.ledger import delivered_units
from pipeline.model import PackageUnit, Slot
from pipeline.render.broadcast import air_time, delivered_folder, slot_named
from pipeline.render.cards import fallback_art
from pipeline.render.layout import fit, load_font
from pipeline.render.site.model import BROADCASTS_URL, PODCAST_URL, Output, SiteModel
from pipeline.render.site.pages import render_page
from pipeline.settings import Newsroom

EPISODES = 60
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


@dataclass(frozen=True)
class Episode:
    unit: str
    title: str
    summary: str
    audio: Path  # the package's audio.mp3
    audio_version: str  # changes with the audio's content: a rebuilt package's new audio is served
    site_path: str  # where the site serves it
    length: int
    seconds: float
    aired: datetime
    day: date
    slot: Slot
    target: str  # who it is for, as listeners read it (`桥头镇`)


def podcast_outputs(model: SiteModel, conn: Connection) -> dict[str, Output]:
    """The broadcasts' page, audio, podcast feed and cover, under /broadcasts/."""
    newsroom = model.newsroom
    found = episodes(newsroom, conn)
    outputs = {e.site_path: Output(f"file:{e.audio}:{e.audio_version}", e.audio.read_bytes, e.audio) for e in found}
    digest = [(e.unit, e.length, e.seconds, e.title, e.summary) for e in found]
    outputs[f"{BROADCASTS_URL}index.html"] = Output(
        model.fingerprint("broadcasts", digest, [(e.slot.label, e.target) for e in found]),
        lambda: broadcasts_page(model, found))
    outputs[PODCAST_URL] = Output(model.fingerprint("podcast", digest, newsroom.site.email),
                                  lambda: podcast_xml(newsroom, found))
    outputs["/broadcasts/cover.jpg"] = Output(model.fingerprint("podcast-cover"), lambda: cover_jpeg(newsroom))
    return outputs



def broadcasts_page(model: SiteModel, found: list[Episode]) -> bytes:
    """广播节目: the delivered packages by day (newest first), slot and township, each playable."""
    days: dict[date, dict[str, list[Episode]]] = {}
    for episode in found:  # newest first
        days.setdefault(episode.day, {}).setdefault(episode.slot.name, []).append(episode)
    context = model.common(words.site.BROADCASTS, BROADCASTS_URL, words.site.BROADCASTS_DESCRIPTION,
                           breadcrumbs=[(words.site.HOME, "/")], current=BROADCASTS_URL)
    listed: list[dict[str, Any]] = []
    for day, slots in days.items():
        listed.append({"title": words.day_name(day), "date_iso": day.isoformat(), "slots": [
            {"title": words.site.slot_heading(group[0].slot.label, group[0].slot.start),
             "episodes": [{"target": e.target, "title": e.title, "src": e.site_path, "summary": e.summary,
                           "duration": words.seconds_text(e.seconds)}
                          for e in sorted(group, key=lambda e: e.unit)]}
            for group in slots.values()]})
    context["broadcasts"] = {"title": words.site.BROADCASTS, "description": words.site.BROADCASTS_DESCRIPTION,
                             "podcast_url": PODCAST_URL, "podcast_title": words.site.podcast_title(model.site.title),
                             "days": listed}
    return render_page(model, "broadcasts.html", context)


def episodes(newsroom: Newsroom, conn: Connection, limit: int = EPISODES) -> list[Episode]:
    """The packages the loudspeaker channels delivered, with audio, newest first (by air time, then
    target)."""
    found = []
    for row in delivered_units(conn, newsroom.channels_of_kind("loudspeaker")):
        try:
            unit = PackageUnit.parse(row.unit)
        except ValueError:
            continue  # not a package
        episode = _episode(newsroom, unit, delivered_folder(newsroom, row))
        if episode is not None:
            found.append(episode)
    found.sort(key=lambda e: (e.aired, e.unit), reverse=True)
    return found[:limit]


def _episode(newsroom: Newsroom, unit: PackageUnit, folder: Path | None) -> Episode | None:
    if folder is None or not (folder / "audio.mp3").is_file():
        return None
    audio = folder / "audio.mp3"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        slot = slot_named(newsroom, unit.slot)
        if manifest["unit"] != str(unit):
            return None  # the folder holds another package
    except (OSError, ValueError, KeyError):
        return None  # a slot since removed from kitchen.toml, or a damaged manifest: not an episode
    day = unit.day
    titles = [item["title"] for item in manifest["items"] if item["kind"] in ("story", "brief", "emergency", "notice")]
    name = manifest["target"]["name"]
    stat = audio.stat()
    # the hash the package recorded, and the file's own size and time (a package is rebuilt whole,
    # its audio a new file at the same path)
    version = f"{manifest.get('files', {}).get('audio.mp3', '')}:{stat.st_size}:{stat.st_mtime_ns}"
    return Episode(
        str(unit), words.site.episode_title(name, day, slot.label, slot.start), words.site.episode_summary(titles),
        audio, version, f"{BROADCASTS_URL}{day.isoformat()}/{slot.name}/{unit.target}.mp3", stat.st_size,
        float(manifest["seconds"]), air_time(newsroom, day, slot), day, slot, name)


def _duration(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def podcast_xml(newsroom: Newsroom, items: list[Episode]) -> bytes:
    base = newsroom.site.base_url.rstrip("/")
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.id(f"{base}{BROADCASTS_URL}")
    fg.title(words.site.podcast_title(newsroom.site.title))
    fg.description(words.site.PODCAST_DESCRIPTION)
    fg.language("zh-cn")
    fg.podcast.itunes_author(newsroom.site.title)
    fg.podcast.itunes_summary(words.site.PODCAST_SUMMARY)
    fg.podcast.itunes_category("News", "Daily News")  # Apple's category names, not words a listener reads
    fg.podcast.itunes_image(f"{base}/broadcasts/cover.jpg")
    email = newsroom.site.email
    if email:
        fg.podcast.itunes_owner(name=newsroom.site.title, email=email)
    fg.podcast.itunes_type("episodic")
    fg.link(href=f"{base}{PODCAST_URL}", rel="self", type="application/rss+xml")
    newest = items[0].aired if items else datetime(2000, 1, 1, tzinfo=newsroom.tz)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    for episode in reversed(items):  # feedgen prepends: add oldest first to list newest first
        entry = fg.add_entry()
        entry.id(f"urn:kitchen:{newsroom.site.host}:{episode.unit}")
        entry.guid(f"urn:kitchen:{newsroom.site.host}:{episode.unit}", permalink=False)
        entry.title(episode.title)
        entry.description(episode.summary)
        entry.enclosure(f"{base}{episode.site_path}", str(episode.length), "audio/mpeg")
        entry.published(episode.aired)
        entry.podcast.itunes_duration(_duration(episode.seconds))
        entry.podcast.itunes_summary(episode.summary)
    fg.link(href=f"{base}{BROADCASTS_URL}", rel="alternate")  # the RSS channel link is the last link() call
    document = etree.fromstring(fg.rss_str(pretty=False))
    channel = document.find("channel")
    assert channel is not None
    explicit = channel.find(f"{{{ITUNES}}}explicit")
    if explicit is None:
        explicit = etree.SubElement(channel, f"{{{ITUNES}}}explicit")
    explicit.text = "false"
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def cover_jpeg(newsroom: Newsroom) -> bytes:
    """The podcast's 1400×1400 artwork, drawn like the cards' designed background."""
    font = newsroom.render.font_path
    image = fallback_art(1400, 1400, ("#b3261e", "#5c1010"), "rings", "", font)
    draw = ImageDraw.Draw(image)
    for text, top, size in ((newsroom.site.title, 480, 110), (words.site.SHOW, 820, 150)):
        fitted = fit(text, font, 1200, 320, size, 48, max_lines=2)
        face = load_font(font, fitted.size)
        for n, line in enumerate(fitted.lines):
            draw.text((700, top + n * fitted.line_height), line, font=face, fill="#ffffff", anchor="mt")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
