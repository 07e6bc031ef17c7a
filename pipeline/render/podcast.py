"""A podcast feed of the loudspeaker broadcasts, published with the site under `/broadcasts/`:
every package's audio as an episode (newest first), with the `itunes:` tags podcast apps need.

feedgen's podcast extension only accepts yes / no / clean for `itunes:explicit`, while Apple's
current specification wants true / false: the value is set after generation."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from pipeline.settings import Newsroom

EPISODES = 60
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
SLOT_WORDS = {"morning": "早间", "noon": "午间", "evening": "晚间"}


@dataclass(frozen=True)
class Episode:
    unit: str
    title: str
    summary: str
    audio: Path  # the package's audio.mp3
    site_path: str  # where the site serves it
    length: int
    seconds: float
    aired: datetime


def episodes(newsroom: Newsroom, limit: int = EPISODES) -> list[Episode]:
    """Packages with audio, newest first (by air time, then target)."""
    from pipeline.render.broadcast import air_time, packages_dir, slot_named

    found = []
    for manifest_path in packages_dir(newsroom).glob("*/*/*/manifest.json"):
        audio = manifest_path.with_name("audio.mp3")
        if not audio.is_file():
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            day = date.fromisoformat(manifest["date"])
            slot = slot_named(newsroom, manifest["slot"])
        except (ValueError, KeyError):
            continue  # a slot since removed from kitchen.toml, or a damaged manifest: not an episode
        titles = [item["title"] for item in manifest["items"] if item["kind"] in ("story", "brief", "emergency", "notice")]
        name = manifest["target"]["name"]
        found.append(Episode(
            manifest["unit"], f"{name} {day.month}月{day.day}日{SLOT_WORDS.get(slot.name, '')}广播（{slot.start:%H:%M}）",
            "本期内容：" + "；".join(titles) if titles else "本期为通知与问候。", audio,
            f"/broadcasts/{day.isoformat()}/{slot.name}/{manifest['target']['id']}.mp3", audio.stat().st_size,
            float(manifest["seconds"]), air_time(newsroom, day, slot)))
    found.sort(key=lambda e: (e.aired, e.unit), reverse=True)
    return found[:limit]


def _duration(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def podcast_xml(newsroom: Newsroom, items: list[Episode]) -> bytes:
    from feedgen.feed import FeedGenerator

    base = newsroom.site.base_url.rstrip("/")
    fg = FeedGenerator()
    fg.load_extension("podcast")
    title = f"{newsroom.site.title} · 农村大喇叭"
    fg.id(f"{base}/broadcasts/")
    fg.title(title)
    fg.description("各镇（街道）新时代文明实践广播：每天早晚两档，新闻、通知与服务信息。")
    fg.language("zh-cn")
    fg.podcast.itunes_author(newsroom.site.title)
    fg.podcast.itunes_summary("各镇（街道）新时代文明实践广播的录音，与村头大喇叭播出的内容相同。")
    fg.podcast.itunes_category("News", "Daily News")
    fg.podcast.itunes_image(f"{base}/broadcasts/cover.jpg")
    fg.podcast.itunes_owner(name=newsroom.site.title, email=f"broadcast@{newsroom.site.host}")
    fg.podcast.itunes_type("episodic")
    fg.link(href=f"{base}/broadcasts/podcast.xml", rel="self", type="application/rss+xml")
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
    fg.link(href=f"{base}/", rel="alternate")  # the RSS channel link is the last link() call
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
    from PIL import ImageDraw

    from pipeline.render.cards import fallback_art
    from pipeline.render.text import fit, load_font

    font = newsroom.render.font_path
    image = fallback_art(1400, 1400, ("#b3261e", "#5c1010"), "rings", "", font)
    draw = ImageDraw.Draw(image)
    for text, top, size in ((newsroom.site.title, 480, 110), ("农村大喇叭", 820, 150)):
        fitted = fit(text, font, 1200, 320, size, 48, max_lines=2)
        face = load_font(font, fitted.size)
        for n, line in enumerate(fitted.lines):
            draw.text((700, top + n * fitted.line_height), line, font=face, fill="#ffffff", anchor="mt")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
