"""The newsroom's settings as typed records: what every stage reads, and nothing that reads them.

This is a leaf: it imports only the model and the standard library, so every layer may import it.
`pipeline.config` reads and checks `kitchen.toml` and `stations.csv` into these records; the
registries it consults (channels, source kinds, card and clip recipes) sit above this module."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from pipeline.model import Slot, SourceConfig, Station, Theme

CONFIG_FILE = "kitchen.toml"
STATIONS_FILE = "stations.csv"


@dataclass(frozen=True)
class SiteSettings:
    title: str
    base_url: str
    timezone: str
    language: str
    short_name: str = ""  # where space is short (cards, clips); see `brand`
    email: str = ""  # the newsroom's contact address (the podcast's itunes:email); empty: none given

    @property
    def brand(self) -> str:
        """The name shown where space is short: the short name, or the title."""
        return self.short_name or self.title

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def host(self) -> str:
        return urlparse(self.base_url).hostname or "localhost"


@dataclass(frozen=True)
class PublishSettings:
    channels: tuple[str, ...]
    max_attempts: int = 8
    backoff_seconds: int = 30
    backoff_cap_seconds: int = 3600
    lease_seconds: int = 300
    batch_size: int = 100


@dataclass(frozen=True)
class DaemonSettings:
    ingest_every_minutes: int = 15
    publish_every_seconds: int = 30


@dataclass(frozen=True)
class CrawlSettings:
    """Newsroom-wide crawl settings; per-domain politeness is set per source."""

    concurrency: int = 8
    download_timeout: int = 30
    retries: int = 2
    user_agent: str = "CentralKitchen/0.1 (county media center; +https://github.com/)"


@dataclass(frozen=True)
class RenderSettings:
    """Cards, posters and clips: which recipes every approved story gets, and how to render them."""

    font: Path | None = None  # None: Noto Sans SC from the pylopdf-fonts-zh-cn package
    cards: tuple[str, ...] = ("cover", "square", "poster")
    clips: tuple[str, ...] = ("vertical", "landscape")
    workers: int = 0  # 0: as many as the cores allow
    clip_timeout_seconds: int = 600

    @property
    def font_path(self) -> Path:
        if self.font is not None:
            return self.font
        from pylopdf_fonts_zh_cn import sans_path

        return Path(sans_path())


@dataclass(frozen=True)
class Newsroom:
    root: Path
    site: SiteSettings
    database_url: str
    publish: PublishSettings
    daemon: DaemonSettings
    crawl: CrawlSettings
    channel_options: dict[str, dict[str, Any]]
    slots: tuple[Slot, ...]
    themes: dict[str, Theme]
    monthly_themes: dict[str, str]
    sources: tuple[SourceConfig, ...]
    stations: dict[str, Station] = field(repr=False)
    render: RenderSettings = field(default_factory=RenderSettings)

    @property
    def tz(self) -> ZoneInfo:
        return self.site.tz

    def path(self, relative: str | os.PathLike[str]) -> Path:
        """A path inside the newsroom folder named by configuration (absolute paths are kept)."""
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else self.root / candidate

    @property
    def runtime_dir(self) -> Path:
        """Lock files and other run-time state."""
        return self.root / ".kitchen"

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    def descendants(self, station_id: str) -> set[str]:
        """The station and every station below it in the hierarchy."""
        children: dict[str, list[str]] = {}
        for station in self.stations.values():
            if station.parent:
                children.setdefault(station.parent, []).append(station.id)
        found, todo = set(), [station_id]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            todo.extend(children.get(current, []))
        return found

    def station_name(self, station_id: str | None) -> str:
        station = self.stations.get(station_id or "")
        return station.name if station else (station_id or "")

    def theme_name(self, theme_id: str | None) -> str:
        theme = self.themes.get(theme_id or "")
        return theme.name if theme else (theme_id or "")

    def station_named_in(self, text: str) -> str | None:
        """The station whose full name (or id) the text names; the longest name wins, so
        "东村新时代文明实践站" is not mistaken for an institute whose name it contains."""
        if not text:
            return None
        if text.strip() in self.stations:
            return text.strip()
        named = [s for s in self.stations.values() if s.name and s.name in text]
        return max(named, key=lambda s: len(s.name)).id if named else None

    def channel_kind(self, name: str) -> str:
        """The kind of the configured channel `name` (a table without `kind` names its own kind)."""
        return str(self.channel_options.get(name, {}).get("kind", name))

    def channels_of_kind(self, kind: str) -> tuple[str, ...]:
        """The enabled channels of one kind, in `[publish] channels` order: render and publish code
        asks for a kind, never for a channel's name, so `[channels.feeds] kind = "rss"` works."""
        return tuple(name for name in self.publish.channels if self.channel_kind(name) == kind)

    def resolve_theme(self, value: str | None) -> str | None:
        """Map a theme id or its Chinese name to the theme id; None when unknown or empty."""
        if not value:
            return None
        if value in self.themes:
            return value
        for theme in self.themes.values():
            if theme.name == value:
                return theme.id
        return None
