"""Load a newsroom folder — kitchen.toml and stations.csv — into validated, typed settings.

Every problem is reported with its file, line and field so that a person can fix it; all problems
are collected before anything is raised, so one run shows the whole list.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pipeline import words
from pipeline.ingest import source_kinds
from pipeline.model import LEVEL_RANK, LEVELS, Slot, SourceConfig, Station, Theme
from pipeline.render.recipes import recipe_paths
from pipeline.settings import (
    CONFIG_FILE,
    STATIONS_FILE,
    CrawlSettings,
    DaemonSettings,
    Newsroom,
    PublishSettings,
    RenderSettings,
    SiteSettings,
)
from pipeline.text import control_codes
from pipeline.timeutil import parse_clock
from publishers import known_channels

KNOWN_KEYS = {
    "site": {"title", "short_name", "base_url", "timezone", "language", "email"},
    "store": {"database_url"},
    "publish": {"channels", "max_attempts", "backoff_seconds", "backoff_cap_seconds", "lease_seconds",
                "batch_size"},
    "daemon": {"ingest_every_minutes", "publish_every_seconds"},
    "loudspeaker": {"slots"},
    "crawl": {"concurrency", "download_timeout", "retries", "user_agent"},
    "render": {"font", "cards", "clips", "workers", "clip_timeout_seconds"},
}
SLOT_KEYS = {"name", "title", "time", "minutes"}
STATION_COLUMNS = ("id", "name", "level", "parent", "township", "village", "lat", "lon")
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")  # used with .match: anchored at both ends
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return words.config.problem(words.config.where(self.file, self.line, self.field), self.message)


class ConfigError(Exception):
    """The newsroom's configuration has problems a person must fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NewsroomNotFound(Exception):
    pass


def find_newsroom(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The newsroom named by --newsroom, else $KITCHEN_NEWSROOM, else the current folder or a parent."""
    named = explicit or os.environ.get("KITCHEN_NEWSROOM")
    if named:
        root = Path(named).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            raise NewsroomNotFound(words.config.not_a_newsroom(root, CONFIG_FILE))
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise NewsroomNotFound(words.config.no_newsroom(here, CONFIG_FILE))


class TomlLocator:
    """Finds the line where a key was written, so errors can point at it.

    tomllib returns plain values without positions; this light scan of the text maps table headers
    and `key =` lines back to dotted paths (array-of-tables entries get their index).
    """

    _ARRAY = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
    _TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")

    def __init__(self, text: str):
        self.lines: dict[tuple[Any, ...], int] = {}
        counts: dict[str, int] = {}
        prefix: tuple[Any, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if match := self._ARRAY.match(line):
                name = self._clean(match.group(1))
                index = counts.get(name, 0)
                counts[name] = index + 1
                prefix = (*name.split("."), index)
                self.lines.setdefault(prefix, number)
            elif match := self._TABLE.match(line):
                parts = self._clean(match.group(1)).split(".")
                head = parts[0]
                # `[sources.fields]` after `[[sources]]` belongs to that (latest) source
                prefix = (head, counts[head] - 1, *parts[1:]) if head in counts and len(parts) > 1 else tuple(parts)
                self.lines.setdefault(prefix, number)
            elif match := self._KEY.match(line):
                key = tuple(self._clean(match.group(1)).split("."))
                self.lines.setdefault((*prefix, *key), number)

    @staticmethod
    def _clean(name: str) -> str:
        return ".".join(part.strip().strip("\"'") for part in name.split("."))

    def line_of(self, *path: Any) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


class _Checker:
    """Collects problems for one file."""

    def __init__(self, file: str, locator: TomlLocator | None = None):
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []
        self.names: dict[int, str] = {}  # source index → its id, so errors can name the source

    def add(self, path: tuple[Any, ...], message: str, line: int | None = None) -> None:
        if line is None and self.locator is not None:
            line = self.locator.line_of(*path)
        dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")
        if path[:1] == ("sources",) and len(path) > 1 and isinstance(path[1], int) and self.names:
            name = self.names.get(path[1])
            dotted = dotted.replace(f"sources[{path[1]}]", f"sources[{path[1]}] ({name})" if name else f"sources[{path[1]}]", 1)
        self.problems.append(Problem(self.file, line, dotted, message))

    def known_keys(self, data: dict[str, Any], path: tuple[Any, ...], allowed: set[str]) -> None:
        """Flag keys nobody reads — usually a typo that would otherwise be silently ignored."""
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                self.add((*path, key), words.config.unknown_setting(close[0] if close else None, sorted(allowed)))

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.add((key,), words.config.must_be_table(key, type(value).__name__))
            return {}
        return value

    def string(self, data: dict[str, Any], path: tuple[Any, ...], default: str | None = None,
               required: bool = False) -> str:
        key = path[-1]
        if key not in data:
            if required:
                self.add(path, words.config.required())
            return default or ""
        value = data[key]
        if not isinstance(value, str):
            self.add(path, words.config.must_be_text(value))
            return default or ""
        if required and not value.strip():
            self.add(path, words.config.not_empty())
        if codes := control_codes(value):  # the rule of every other door: no page, feed or card carries them
            self.add(path, words.config.control_characters(codes))
        return value

    def integer(self, data: dict[str, Any], path: tuple[Any, ...], default: int, low: int,
                high: int) -> int:
        key = path[-1]
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, words.config.must_be_whole_number(value))
            return default
        if not low <= value <= high:
            self.add(path, words.config.out_of_range(low, high, value))
            return default
        return value


def load_newsroom(root: str | os.PathLike[str]) -> Newsroom:
    """Read and validate a newsroom folder; raise ConfigError listing every problem found."""
    root = Path(root).resolve()
    config_path = root / CONFIG_FILE
    try:
        text = config_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError([Problem(CONFIG_FILE, None, "", words.config.config_not_found(root))]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(CONFIG_FILE, None, "", words.config.not_utf8(exc.reason))]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 puts the position only in the message: "… (at line 7, column 18)".
        message = str(exc)
        position = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        line = int(position.group(1)) if position else None
        if position:
            message = message[: position.start()]
        raise ConfigError([Problem(CONFIG_FILE, line, "", words.config.malformed_toml(
            message, position.group(2) if position else None))]) from None

    check = _Checker(CONFIG_FILE, TomlLocator(text))
    check.known_keys(data, (), {"site", "store", "publish", "daemon", "channels", "loudspeaker",
                                "themes", "monthly_themes", "sources", "crawl", "render"})
    for table, allowed in KNOWN_KEYS.items():
        check.known_keys(check.table(data, table), (table,), allowed)

    site = _load_site(check, check.table(data, "site"))
    database_url = _load_database_url(check, check.table(data, "store"), root)
    publish_settings, channel_options = _load_channels(check, data)
    daemon_data = check.table(data, "daemon")
    daemon = DaemonSettings(
        ingest_every_minutes=check.integer(daemon_data, ("daemon", "ingest_every_minutes"), 15, 1, 1440),
        publish_every_seconds=check.integer(daemon_data, ("daemon", "publish_every_seconds"), 30, 1, 3600),
    )
    crawl_data = check.table(data, "crawl")
    crawl = CrawlSettings(
        concurrency=check.integer(crawl_data, ("crawl", "concurrency"), 8, 1, 64),
        download_timeout=check.integer(crawl_data, ("crawl", "download_timeout"), 30, 1, 600),
        retries=check.integer(crawl_data, ("crawl", "retries"), 2, 0, 10),
        user_agent=check.string(crawl_data, ("crawl", "user_agent"), default=CrawlSettings.user_agent)
        or CrawlSettings.user_agent,
    )
    slots = _load_slots(check, check.table(data, "loudspeaker"))
    render = _load_render(check, check.table(data, "render"), root)
    themes, monthly = _load_themes(check, data)

    stations, station_problems = load_stations(root / STATIONS_FILE)
    sources = _load_sources(check, data, stations)

    problems = check.problems + station_problems
    if problems:
        raise ConfigError(problems)
    return Newsroom(
        root=root,
        site=site,
        database_url=database_url,
        publish=publish_settings,
        daemon=daemon,
        crawl=crawl,
        channel_options=channel_options,
        slots=slots,
        themes=themes,
        monthly_themes=monthly,
        sources=sources,
        stations=stations,
        render=render,
    )


def _load_render(check: _Checker, data: dict[str, Any], root: Path) -> RenderSettings:
    font_text = check.string(data, ("render", "font"))
    font = None
    if font_text:
        font = (root / font_text).resolve()
        if font.suffix.lower() not in (".ttf", ".otf", ".ttc") or not font.is_file():
            check.add(("render", "font"), words.config.not_a_font(font))
            font = None
    lists = {}
    for key, folder in (("cards", "cards"), ("clips", "clips")):
        value = data.get(key, list(getattr(RenderSettings, key)))
        known = recipe_paths(root, folder)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            check.add(("render", key), words.config.must_be_recipe_list(value))
            value = list(getattr(RenderSettings, key))
        for name in value:
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                check.add(("render", key), words.config.unknown_recipe(folder, name, close[0] if close else None,
                                                                       sorted(known)))
        lists[key] = tuple(v for v in value if v in known)
    return RenderSettings(
        font=font, cards=lists["cards"], clips=lists["clips"],
        workers=check.integer(data, ("render", "workers"), 0, 0, 64),
        clip_timeout_seconds=check.integer(data, ("render", "clip_timeout_seconds"), 600, 10, 7200),
    )


def _load_site(check: _Checker, site: dict[str, Any]) -> SiteSettings:
    title = check.string(site, ("site", "title"), required=True)
    base_url = check.string(site, ("site", "base_url"), required=True)
    if base_url:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            check.add(("site", "base_url"), words.config.not_http_url(base_url))
        elif not base_url.endswith("/"):
            base_url += "/"
    timezone = check.string(site, ("site", "timezone"), default="Asia/Shanghai") or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        check.add(("site", "timezone"), words.config.unknown_timezone(timezone))
        timezone = "Asia/Shanghai"
    language = check.string(site, ("site", "language"), default="zh-CN") or "zh-CN"
    short_name = check.string(site, ("site", "short_name"), default="") or ""
    # The newsroom's contact address: the podcast feed's itunes:email (none is invented when empty).
    email = (check.string(site, ("site", "email"), default="") or "").strip()
    if email and not EMAIL.match(email):
        check.add(("site", "email"), words.config.not_an_email(email))
        email = ""
    return SiteSettings(title=title, base_url=base_url, timezone=timezone, language=language, short_name=short_name,
                        email=email)


def _load_database_url(check: _Checker, store: dict[str, Any], root: Path) -> str:
    url = os.environ.get("KITCHEN_DATABASE_URL") or check.string(store, ("store", "database_url"))
    if not url:
        return f"sqlite:///{root / 'kitchen.db'}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        check.add(("store", "database_url"), words.config.not_a_database_url(url))
        return url
    if parsed.get_backend_name() == "postgres":
        check.add(("store", "database_url"), words.config.postgres_scheme())
    elif parsed.get_backend_name() not in ("sqlite", "postgresql"):
        check.add(("store", "database_url"), words.config.unsupported_database(parsed.get_backend_name()))
    return url


def _load_channels(check: _Checker, data: dict[str, Any]) -> tuple[PublishSettings, dict[str, dict[str, Any]]]:
    """Channels are instances of channel kinds: `[channels.province] kind = "export"` adds a second
    export destination. A table without `kind` configures the kind of the same name."""
    kinds = known_channels()
    options: dict[str, dict[str, Any]] = {}
    for name, value in check.table(data, "channels").items():
        if not isinstance(value, dict):
            check.add(("channels", name), words.config.channel_not_table(name))
            continue
        if not SLUG.match(name):
            check.add(("channels", name), words.config.channel_name_rule())
            continue
        kind = value.get("kind", name)
        if kind not in kinds:
            check.add(("channels", name, "kind") if "kind" in value else ("channels", name),
                      words.config.unknown_channel_kind(str(kind), "kind" in value, sorted(kinds)))
            continue
        settings_only = {k: v for k, v in value.items() if k != "kind"}
        for field_name, message in kinds[kind].check_options(settings_only):
            check.add(("channels", name, field_name), message)
        options[name] = {**settings_only, "kind": kind}
    for kind in kinds:
        options.setdefault(kind, {"kind": kind})

    publish = check.table(data, "publish")
    listed = publish.get("channels", ["export"])
    if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
        check.add(("publish", "channels"), words.config.channels_not_a_list())
        listed = []
    for name in listed:
        if name not in options:
            check.add(("publish", "channels"), words.config.unknown_channel(name, sorted(options)))
    if len(set(listed)) != len(listed):
        check.add(("publish", "channels"), words.config.channel_twice())
    settings = PublishSettings(
        channels=tuple(dict.fromkeys(c for c in listed if c in options)),
        max_attempts=check.integer(publish, ("publish", "max_attempts"), 8, 1, 100),
        backoff_seconds=check.integer(publish, ("publish", "backoff_seconds"), 30, 1, 86400),
        backoff_cap_seconds=check.integer(publish, ("publish", "backoff_cap_seconds"), 3600, 1, 7 * 86400),
        lease_seconds=check.integer(publish, ("publish", "lease_seconds"), 300, 5, 86400),
        batch_size=check.integer(publish, ("publish", "batch_size"), 100, 1, 10000),
    )
    return settings, options


def _load_slots(check: _Checker, loudspeaker: dict[str, Any]) -> tuple[Slot, ...]:
    slots: list[Slot] = []
    raw = loudspeaker.get("slots", [])
    if not isinstance(raw, list):
        check.add(("loudspeaker", "slots"), words.config.slots_not_a_list())
        return ()
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        path = ("loudspeaker", "slots", index)
        if not isinstance(entry, dict):
            check.add(path, words.config.slot_not_table())
            continue
        check.known_keys(entry, path, SLOT_KEYS)
        name = check.string(entry, (*path, "name"), required=True)
        if name and not SLUG.match(name):
            check.add((*path, "name"), words.config.slot_name_rule(name))
        if name in seen:
            check.add((*path, "name"), words.config.slot_twice(name))
        seen.add(name)
        clock = check.string(entry, (*path, "time"), required=True)
        start = None
        if clock:
            try:
                start = parse_clock(clock)
            except ValueError as exc:
                check.add((*path, "time"), str(exc))
        minutes = check.integer(entry, (*path, "minutes"), 10, 1, 180)
        title = check.string(entry, (*path, "title")) or ""
        if name and start is not None:
            slots.append(Slot(name=name, start=start, minutes=minutes, title=title))
    return tuple(slots)


def _load_themes(check: _Checker, data: dict[str, Any]) -> tuple[dict[str, Theme], dict[str, str]]:
    themes: dict[str, Theme] = {}
    for theme_id, name in check.table(data, "themes").items():
        if not SLUG.match(theme_id):
            check.add(("themes", theme_id), words.config.theme_id_rule())
        elif not isinstance(name, str) or not name.strip():
            check.add(("themes", theme_id), words.config.theme_name_needed())
        else:
            themes[theme_id] = Theme(theme_id, name.strip())
    monthly: dict[str, str] = {}
    for month, theme_id in check.table(data, "monthly_themes").items():
        if not MONTH.match(month):
            check.add(("monthly_themes", month), words.config.not_a_month(month))
        elif not isinstance(theme_id, str) or theme_id not in themes:
            check.add(("monthly_themes", month), words.config.theme_undefined(theme_id))
        else:
            monthly[month] = theme_id
    return themes, monthly


def _load_sources(check: _Checker, data: dict[str, Any], stations: dict[str, Station]) -> tuple[SourceConfig, ...]:
    kinds = source_kinds()
    raw = data.get("sources")
    if raw is None:
        return (SourceConfig(id="inbox", kind="inbox", station=None, options={"path": "inbox"}),)
    if not isinstance(raw, list):
        check.add(("sources",), words.config.sources_not_a_list())
        return ()
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    check.names = {i: e["id"] for i, e in enumerate(raw) if isinstance(e, dict) and isinstance(e.get("id"), str)}
    for index, entry in enumerate(raw):
        path = ("sources", index)
        if not isinstance(entry, dict):
            check.add(path, words.config.source_not_table())
            continue
        source_id = check.string(entry, (*path, "id"), required=True)
        if source_id and not SLUG.match(source_id):
            check.add((*path, "id"), words.config.not_a_slug(source_id))
        if source_id in seen:
            check.add((*path, "id"), words.config.source_twice(source_id))
        seen.add(source_id)
        kind = check.string(entry, (*path, "kind"), required=True)
        if kind and kind not in kinds:
            check.add((*path, "kind"), words.config.unknown_source_kind(kind, sorted(kinds)))
        station = check.string(entry, (*path, "station")) or None
        if station and stations and station not in stations:
            check.add((*path, "station"), words.config.not_a_station(station, STATIONS_FILE))
        options = {k: v for k, v in entry.items() if k not in ("id", "kind", "station")}
        if kind in kinds:
            for field_name, message in kinds[kind].check_options(options):
                check.add((*path, *field_name.split(".")), message)
        url_map = options.get("station_from", {}).get("url") if isinstance(options.get("station_from"), dict) else None
        for prefix, mapped in (url_map or {}).items() if isinstance(url_map, dict) else ():
            if stations and mapped not in stations:
                check.add((*path, "station_from", "url"), words.config.url_maps_to_unknown(prefix, mapped, STATIONS_FILE))
        sources.append(SourceConfig(id=source_id, kind=kind, station=station, options=options))
    return tuple(sources)


def _decode_table_text(raw: bytes) -> str:
    """Excel on Chinese Windows saves CSV as GBK, and "Unicode text" as tab-separated UTF-16;
    accept those as well as UTF-8 (with or without BOM)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


# Column names as a Chinese spreadsheet may have them.
HEADER_ALIASES = {
    "编号": "id", "代码": "id", "名称": "name", "阵地名称": "name", "级别": "level", "层级": "level",
    "上级": "parent", "上级编号": "parent", "镇": "township", "镇街": "township", "乡镇": "township",
    "村": "village", "村社区": "village", "村(社区)": "village", "纬度": "lat", "经度": "lon",
}
LEVEL_ALIASES = {"中心": "center", "所": "institute", "站": "station", "点": "point"}


def load_stations(path: Path) -> tuple[dict[str, Station], list[Problem]]:
    """Parse and validate stations.csv; returns the stations and the problems found."""
    name = STATIONS_FILE
    problems: list[Problem] = []

    def problem(line: int | None, field_name: str, message: str) -> None:
        problems.append(Problem(name, line, field_name, message))

    try:
        text = _decode_table_text(path.read_bytes())
    except FileNotFoundError:
        return {}, [Problem(name, None, "", words.config.stations_missing(list(STATION_COLUMNS)))]
    except UnicodeDecodeError:
        return {}, [Problem(name, None, "", words.config.stations_encoding())]

    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in (reader.fieldnames or [])]
    missing = [c for c in STATION_COLUMNS if c not in header]
    if missing:
        return {}, [Problem(name, 1, words.config.HEADER, words.config.missing_columns(missing, list(STATION_COLUMNS),
                                                                            first_line.strip()[:80]))]
    reader.fieldnames = header

    rows: dict[str, tuple[int, Station]] = {}
    rejected: dict[str, int] = {}  # ids whose own row has errors, so their children are not blamed
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        for column, value in values.items():
            if codes := control_codes(value):
                problem(line, column, words.config.control_characters(codes))
        station_id = values["id"]
        if not station_id:
            problem(line, "id", words.config.empty())
            continue
        if not SLUG.match(station_id):
            problem(line, "id", words.config.not_a_slug(station_id))
            continue
        if station_id in rows:
            problem(line, "id", words.config.duplicate_id(station_id, rows[station_id][0]))
            continue
        level = LEVEL_ALIASES.get(values["level"], values["level"].lower())
        if level not in LEVELS:
            problem(line, "level", words.config.unknown_level(values["level"], list(LEVELS),
                                                              [words.name_of(words.LEVELS, lvl) for lvl in LEVELS]))
            rejected[station_id] = line
            continue
        if not values["name"]:
            problem(line, "name", words.config.station_without_name(station_id))
        if level != "center" and not values["township"]:
            problem(line, "township", words.config.station_without_township(station_id))
        lat = lon = None
        if values["lat"] or values["lon"]:
            try:
                lat, lon = float(values["lat"]), float(values["lon"])
            except ValueError:
                problem(line, "lat/lon", words.config.not_coordinates(values["lat"], values["lon"]))
            else:
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    problem(line, "lat/lon", words.config.off_the_globe(lat, lon))
                    lat = lon = None
        rows[station_id] = (line, Station(
            id=station_id, name=values["name"], level=level, parent=values["parent"] or None,
            township=values["township"], village=values["village"], lat=lat, lon=lon,
        ))

    for station_id, (line, station) in rows.items():
        if station.level == "center":
            if station.parent:
                problem(line, "parent", words.config.center_with_parent(station_id))
            continue
        if not station.parent:
            problem(line, "parent", words.config.needs_parent(words.name_of(words.LEVELS, station.level), station_id))
        elif station.parent in rejected:
            problem(line, "parent", words.config.parent_has_errors(station.parent, rejected[station.parent]))
        elif station.parent not in rows:
            problem(line, "parent", words.config.parent_unknown(station.parent))

    cycles_reported: set[str] = set()
    for station_id, (line, _) in rows.items():
        trail = [station_id]
        current = rows[station_id][1].parent
        while current and current in rows:
            if current in trail:
                cycle = trail[trail.index(current):] + [current]
                if not cycles_reported.intersection(cycle):
                    problem(line, "parent", words.config.cycle(cycle))
                    cycles_reported.update(cycle)
                break
            trail.append(current)
            current = rows[current][1].parent

    for station_id, (line, station) in rows.items():
        if station_id in cycles_reported or not station.parent or station.parent not in rows:
            continue
        parent = rows[station.parent][1]
        if LEVEL_RANK[parent.level] >= LEVEL_RANK[station.level]:
            problem(line, "parent", words.config.wrong_parent_level(
                words.name_of(words.LEVELS, station.level), station_id, words.name_of(words.LEVELS, parent.level), parent.id))

    if not rows and not problems:
        problem(None, "", words.config.no_stations())
    return {sid: station for sid, (_, station) in rows.items()}, problems
