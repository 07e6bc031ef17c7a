"""The rundown of a package: what is read, in which order, so that the broadcast fits its slot.

What goes on air is a function of the ledger, like the site: the stories live on the
loudspeaker-kind channels (approved for one and delivered, not killed), published within the last
days, each read from its stored spoken rendition, plus the notices of the newsroom's
`broadcast/notices/` folder. The same stories, notices, date, slot and settings give the same
rundown."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from pipeline import ledger, words
from pipeline.live import live_on, merge_live
from pipeline.model import PackageUnit, Slot
from pipeline.render.broadcast.notices import Notice, load_notices, noticed_stations
from pipeline.render.broadcast.options import Settings, settings_for
from pipeline.render.broadcast.spoken import SpokenText, spoken_stories, spoken_text
from pipeline.render.broadcast.unit import (
    Target,
    UnknownBroadcast,
    air_time,
    parse_unit,
    targets_for,
)
from pipeline.settings import Newsroom
from pipeline.stories import rundown_edits

WEEKDAYS = "一二三四五六日"
GAP_SECONDS = 0.8  # between parts, on air and in the estimate
JINGLE_SECONDS = {"open": 2.7, "close": 2.6, "notice": 3.2}  # the chimes of pipeline.render.sound
REPEAT_PAUSE = 1.0  # seconds between the two readings of a notice


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
        return str(PackageUnit(self.day, self.slot.name, self.target.id))


def estimate_total(parts: list[Part]) -> float:
    jingles = sum(JINGLE_SECONDS[p.jingle] for p in parts if p.jingle)
    return round(sum(p.seconds for p in parts) + jingles + GAP_SECONDS * max(0, len(parts) - 1), 1)


def date_words(day: date) -> str:
    return f"{spoken_text(f'{day.year}年{day.month}月{day.day}日').spoken}，星期{WEEKDAYS[day.weekday()]}"


def greeting(start: time) -> str:
    if start.hour < 10:
        return "早上好"
    if start.hour < 14:
        return "中午好"
    return "下午好" if start.hour < 18 else "晚上好"


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes:02d}:{rest:02d}"


@dataclass(frozen=True)
class Candidate:
    """A story that may be read, with its spoken forms (from its spoken rendition)."""

    story_id: int
    title: str
    station_id: str
    published_at: datetime
    theme: str | None
    happened_at: datetime  # the activity's date (the dateline), else when it went out
    full: SpokenText  # title and text
    brief: SpokenText  # title and summary


def candidates(conn: Connection, newsroom: Newsroom, day: date, slot: Slot, fresh_days: int,
               now: datetime | None = None) -> list[Candidate]:
    """Stories live on the loudspeaker-kind channels, published before the slot's air time and not
    older than `fresh_days`, read from their spoken renditions (stored first when `now` is given
    and `conn` may write; see `spoken_stories`)."""
    channels = newsroom.channels_of_kind("loudspeaker")
    if not channels:
        return []
    air = air_time(newsroom, day, slot)
    live = merge_live(list(live_on(conn, {name: {} for name in channels}, newsroom.tz).values()))
    went_out = ledger.first_went_out(conn, channels)
    fresh = []
    for story in live:
        published = went_out.get(story.id) or story.published_at or story.created_at
        if air - timedelta(days=fresh_days) <= published <= air:
            fresh.append((story, published))
    spoken = spoken_stories(conn, newsroom, [(story.id, story.revision.number) for story, _ in fresh], now)
    found = []
    for story, published in fresh:
        content = story.revision.content
        form = spoken[(story.id, story.revision.number)]
        found.append(Candidate(story.id, content.title, content.station_id, published, content.theme,
                               content.dateline or published, form.full, form.brief))
    return found


def plan_rundown(newsroom: Newsroom, target: Target, day: date, slot: Slot, stories: list[Candidate],
                 notices: list[Notice], settings: Settings, edits: dict[str, list[str]] | None = None) -> Rundown:
    """Choose and order what is read so that the broadcast fits the slot: emergency notices first
    (and again at the end), local stories before county-wide ones, the month's theme and the
    freshest first; a story that does not fit in full is read as a brief (title and summary) if
    that fits; what is left out is reported with the reason."""
    budget = slot.minutes * 60.0

    def part(kind: str, ref: str, title: str, text: SpokenText, repeat: int = 1, jingle: str | None = None) -> Part:
        seconds = round(text.seconds * repeat + REPEAT_PAUSE * (repeat - 1), 1)
        return Part(kind, ref, title, text.written, text.spoken, seconds, repeat, jingle)

    def read(written: str) -> SpokenText:
        return spoken_text(written, settings.chars_per_minute)

    ident = f"这里是{target.name}新时代文明实践广播。"
    opening = part("opening", "", words.render.OPENING_TITLE, read(f"各位村民朋友，{greeting(slot.start)}！今天是{date_words(day)}。{ident}"
                                                  "下面播送本期节目。"), jingle="open")
    closing = part("closing", "", words.render.CLOSING_TITLE, read(f"本次广播到此结束，感谢收听。{ident}我们下次再会。"), jingle="close")
    applicable = [n for n in notices if n.applies(target, day, slot.name)]
    emergencies = [n for n in applicable if n.emergency]
    regular = [n for n in applicable if not n.emergency]
    first = [part("emergency", n.id, n.title, read(f"紧急通知：{n.title}。{n.text}"), repeat=2, jingle="notice")
             for n in emergencies]
    again = [part("emergency", n.id, n.title, read(f"再播送一遍紧急通知：{n.title}。{n.text}"), jingle="notice")
             for n in emergencies]
    notice_parts = [part("notice", n.id, n.title, read(f"通知：{n.title}。{n.text}"), repeat=2, jingle="notice")
                    for n in regular]
    left_out: list[tuple[str, str, str]] = []

    def total(middle: list[Part], notes: list[Part]) -> float:
        return estimate_total([opening, *first, *middle, *notes, *again, closing])

    kept_notices: list[Part] = []
    for notice in notice_parts:
        if total([], [*kept_notices, notice]) <= budget:
            kept_notices.append(notice)
        else:
            left_out.append((notice.ref, notice.title, words.render.NOTICE_TOO_LONG))
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
            left_out.append((str(story.story_id), story.title, words.render.DROPPED_BY_EDITOR))
            continue
        if rank(story)[0] == 2 and str(story.story_id) not in pinned:
            continue  # another township's news
        full = part("story", str(story.story_id), story.title, story.full)
        brief = part("brief", str(story.story_id), story.title, story.brief)
        if total([*items, full], kept_notices) <= budget:
            items.append(full)
        elif total([*items, brief], kept_notices) <= budget:
            items.append(brief)
        else:
            remaining = budget - total(items, kept_notices)
            left_out.append((str(story.story_id), story.title,
                             words.render.too_long_for_slot(full.seconds, brief.seconds, remaining)))
    parts = [opening, *first, *items, *kept_notices, *again, closing]
    return Rundown(target, day, slot, parts, left_out, budget)


def rundowns(conn: Connection, newsroom: Newsroom, day: date, slot: Slot, only: str | None = None,
             settings: Settings | None = None, now: datetime | None = None) -> list[Rundown]:
    """The rundown of every target (or the one named) for a date and slot. With `now`, `conn`
    may write: the stories' spoken renditions that are missing are stored (see `candidates`)."""
    settings = settings or settings_for(newsroom)
    # a broken notice file must not keep a township off the air: it is left out, and said so
    notices, problems = load_notices(newsroom)
    everyone = targets_for(newsroom, noticed_stations(notices))
    targets = everyone if only is None else [target for target in everyone if target.id == only]
    if not targets and only is not None:
        raise UnknownBroadcast(words.render.unknown_target(only, [target.id for target in everyone]))
    stories = candidates(conn, newsroom, day, slot, settings.fresh_days, now)
    found = [plan_rundown(newsroom, target, day, slot, stories, notices, settings,
                          rundown_edits(conn, str(PackageUnit(day, slot.name, target.id)))) for target in targets]
    for rundown in found:
        rundown.left_out += [("", words.render.notice_file(name), words.render.notice_file_broken(reason)) for name, reason in problems]
    return found


def rundown_for_unit(conn: Connection, newsroom: Newsroom, unit: str, settings: Settings | None = None,
                     now: datetime | None = None) -> Rundown:
    """The rundown of the package `unit` names (BroadcastError when it names none), planned with
    `settings` (a loudspeaker channel's own; the first one's by default)."""
    package, slot = parse_unit(newsroom, unit)
    return rundowns(conn, newsroom, package.day, slot, package.target, settings, now=now)[0]


def rundown_digest(rundown: Rundown) -> bytes:
    """What a package will hold, as stable JSON: the rendition the ledger hashes."""
    return (json.dumps({"unit": rundown.unit, "parts": [[p.kind, p.ref, p.spoken, p.repeat] for p in rundown.parts],
                        "left_out": rundown.left_out}, ensure_ascii=False, sort_keys=True) + "\n").encode()


