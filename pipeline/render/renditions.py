"""Media renditions of a story revision — cards, posters, clips — made once and kept.

Their files live content-addressed under the newsroom's `renditions/` folder (`ab/abcd….jpg`);
the `renditions` table holds one row per (story, revision, kind) with the recipe hash they were
made with, so a rendition is made again only when the revision or the recipe changes. Kinds are
`card-<recipe>` and `clip-<recipe>`, made by the card and clip renderers (`MediaRenderer`s, see
`pipeline.render`).

Rendering runs in a process pool: the parent reads the store and gathers each job's inputs, the
workers only draw and encode, and the parent stores what comes back. A photo that cannot be used is
skipped with its reason; a job that fails is recorded with the story id and reason, in the story's
history (events) — the other jobs go on.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from pipeline import ledger, words
from pipeline import store as t
from pipeline.fsutil import atomic_write
from pipeline.limits import CARD_SECONDS, TookTooLong, within
from pipeline.live import live_story, mark_site_stale
from pipeline.locks import holding
from pipeline.media import media_path
from pipeline.model import StorySnapshot
from pipeline.render import Job, MediaRenderer, recipe_hash, renderer_for
from pipeline.render.cards import CardData, CardRenderer, RecipeError, recipe_named, site_name_shown
from pipeline.render.clips import ClipError, ClipRenderer, load_clip_recipe
from pipeline.settings import Newsroom
from pipeline.store import Store
from pipeline.stories import Actor, record_event, snapshot
from pipeline.text import html_to_plain, markdown_to_html, summarize
from pipeline.timeutil import date_zh

RENDERER = Actor("渲染", "system")


@dataclass(frozen=True)
class StoredRendition:
    story_id: int
    revision: int
    kind: str
    files: dict[str, str]  # role → path relative to the renditions folder ("main" always)
    sha256: str
    meta: dict[str, Any]


@dataclass
class RenderSummary:
    made: list[tuple[int, str]] = field(default_factory=list)
    kept: int = 0
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (story, kind, reason)
    warnings: list[tuple[int, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the run, not one story: said once


def renditions_dir(newsroom: Newsroom) -> Path:
    return newsroom.root / "renditions"


def kinds_for(newsroom: Newsroom, cards: bool = True, clips: bool = True) -> list[str]:
    """The media rendition kinds the newsroom makes (its `[render] cards` and `clips`)."""
    return ([CardRenderer(name).rendition_kind for name in newsroom.render.cards] if cards else []) + \
           ([ClipRenderer(name).rendition_kind for name in newsroom.render.clips] if clips else [])


def store_file(newsroom: Newsroom, source: Path | bytes, ext: str) -> tuple[str, str]:
    """Put a file into the renditions folder by content; returns (relative path, sha256)."""
    data = source if isinstance(source, bytes) else None
    digest = hashlib.sha256(data).hexdigest() if data is not None else _sha256_file(source)  # type: ignore[arg-type]
    relative = f"{digest[:2]}/{digest}.{ext}"
    target = renditions_dir(newsroom) / relative
    if not target.exists():  # content-addressed: a file already there has these very bytes
        atomic_write(target, data if data is not None else Path(source).read_bytes(), durable=False)  # type: ignore[arg-type]
    return relative, digest


def _sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def stored(conn: Connection, story_id: int, revision: int, kind: str, recipe: str | None = None) -> StoredRendition | None:
    r = t.renditions
    row = conn.execute(select(r).where(r.c.story_id == story_id, r.c.revision == revision, r.c.kind == kind)).first()
    if row is None or row.path is None or (recipe is not None and row.recipe_hash != recipe):
        return None
    return StoredRendition(story_id, revision, kind, dict(row.meta.get("files", {"main": row.path})), row.sha256,
                           dict(row.meta))


def stored_for(conn: Connection, pairs: Iterable[tuple[int, int]], prefix: str = "") -> dict[tuple[int, int], dict[str, StoredRendition]]:
    """Every stored media rendition of these (story, revision) pairs, by kind."""
    wanted = set(pairs)
    ids = sorted({story for story, _ in wanted})
    r = t.renditions
    found: dict[tuple[int, int], dict[str, StoredRendition]] = {}
    for chunk in range(0, len(ids), 5000):
        query = select(r.c.story_id, r.c.revision, r.c.kind, r.c.path, r.c.sha256, r.c.meta).where(
            r.c.story_id.in_(ids[chunk:chunk + 5000]), r.c.path.is_not(None))
        for row in conn.execute(query):
            if (row.story_id, row.revision) in wanted and row.kind.startswith(prefix):
                found.setdefault((row.story_id, row.revision), {})[row.kind] = StoredRendition(
                    row.story_id, row.revision, row.kind, dict(row.meta.get("files", {"main": row.path})),
                    row.sha256, dict(row.meta))
    return found


def save(conn: Connection, newsroom: Newsroom, story_id: int, revision: int, kind: str, recipe: str,
         files: dict[str, tuple[Path | bytes, str]], meta: dict[str, Any], now: datetime) -> StoredRendition:
    """Store the files of a rendition (role → (file or bytes, extension)) and its row."""
    placed = {role: store_file(newsroom, source, ext) for role, (source, ext) in files.items()}
    paths = {role: path for role, (path, _) in placed.items()}
    r = t.renditions
    conn.execute(delete(r).where(r.c.story_id == story_id, r.c.revision == revision, r.c.kind == kind))
    full_meta = {**meta, "files": paths}
    conn.execute(insert(r).values(story_id=story_id, revision=revision, kind=kind, recipe_hash=recipe, content=None,
                                  path=paths["main"], sha256=placed["main"][1], meta=full_meta, created_at=now))
    return StoredRendition(story_id, revision, kind, paths, placed["main"][1], full_meta)


# --- what a card shows ---------------------------------------------------------------------------

def story_address(snap: StorySnapshot, newsroom: Newsroom) -> str:
    """The story's web address, as the site gives it (the QR code's target)."""

    story = live_story(snap.story.id, snap.revision, list(snap.corrections), snap.story.created_at, snap.story.slug,
                       snap.story.published_at, newsroom.tz)
    return newsroom.site.base_url.rstrip("/") + story.path


def card_data(snap: StorySnapshot, newsroom: Newsroom) -> CardData:
    content = snap.revision.content
    moment = content.dateline or snap.story.created_at
    local = moment.astimezone(newsroom.tz)
    month_theme = newsroom.monthly_themes.get(f"{local:%Y-%m}")
    theme = month_theme or content.theme
    summary = content.summary or summarize(html_to_plain(markdown_to_html(content.body_md)), 90)
    return CardData(
        title=content.title, station=newsroom.station_name(content.station_id), date=date_zh(moment, newsroom.tz),
        theme=newsroom.theme_name(theme) if theme else "", site=newsroom.site.brand, summary=summary,
        caption=content.images[0].caption if content.images else "", url=story_address(snap, newsroom))


def photo_paths(newsroom: Newsroom, snap: StorySnapshot) -> list[tuple[Path, str]]:
    media = newsroom.root / "media"
    return [(media_path(media, ref.sha256, ref.ext), ref.caption) for ref in snap.revision.content.images]


# --- jobs ------------------------------------------------------------------------------------------

def media_renderer(kind: str) -> MediaRenderer:
    """The renderer of a media rendition kind ("card-cover", "clip-vertical")."""
    renderer = renderer_for(kind)
    if not isinstance(renderer, MediaRenderer):
        raise LookupError(f"'{kind}' is not a card or clip rendition")
    return renderer


def name_problems(newsroom: Newsroom, kinds: list[str] | None = None) -> list[str]:
    """The site's name (`[site] short_name`, else its title) where cards cut it to fit: one
    sentence naming every such card, suggesting a short name (or none when every card fits it).
    The clips' title and closing cards count."""
    wanted = kinds if kinds is not None else kinds_for(newsroom)
    cards: list[str] = []
    for kind in wanted:
        renderer = renderer_for(kind)
        if isinstance(renderer, CardRenderer):
            cards.append(renderer.name)
        elif isinstance(renderer, ClipRenderer):
            try:
                recipe = load_clip_recipe(newsroom.root, renderer.name)
            except ClipError:
                continue  # said by recipe_problems
            cards += [name for name in (recipe.intro_card, recipe.outro_card) if name]
    cuts = []
    name = newsroom.site.brand
    for card in dict.fromkeys(cards):
        try:
            shown = site_name_shown(recipe_named(newsroom.root, card), name, newsroom.render.font_path)
        except RecipeError:
            continue
        if shown is not None:
            cuts.append((words.render.card_name(card), shown))
    return [words.render.name_shortened(name, cuts)] if cuts else []


def recipe_problems(newsroom: Newsroom) -> list[str]:
    """What is wrong with the newsroom's card and clip recipes, found before a render needs them."""
    problems = []
    for kind in kinds_for(newsroom):
        try:
            recipe_hash(media_renderer(kind), newsroom)
        except Exception as exc:  # noqa: BLE001 — every way a recipe can be wrong is reported
            problems.append(f"{kind}: {exc}")
    return problems


def plan(conn: Connection, newsroom: Newsroom, kinds: list[str], story_ids: list[int] | None = None,
         force: bool = False, broken: dict[str, str] | None = None) -> list[Job]:
    """The jobs to run: every kind for the stories given (default: approved and published ones, at
    their current revision) whose rendition is missing or was made with another recipe. A kind
    whose recipe cannot be read goes into `broken` (kind → reason) instead."""
    s = t.stories
    query = select(s.c.id, s.c.current_revision)
    query = query.where(s.c.id.in_(story_ids)) if story_ids else query.where(s.c.state.in_(["approved", "published"]))
    recipes: dict[str, tuple[MediaRenderer, str]] = {}
    for kind in kinds:
        try:
            renderer = media_renderer(kind)
            recipes[kind] = renderer, recipe_hash(renderer, newsroom)
        except (LookupError, RecipeError, ClipError) as exc:
            if broken is not None:
                broken[kind] = str(exc)
    jobs = []
    for row in conn.execute(query.order_by(s.c.id)):
        snap = None
        for kind, (renderer, recipe) in recipes.items():
            if not force and stored(conn, row.id, row.current_revision, kind, recipe) is not None:
                continue
            snap = snap or snapshot(conn, row.id, row.current_revision)
            jobs.append(Job(row.id, row.current_revision, renderer, recipe, card_data(snap, newsroom),
                            tuple((str(p), c) for p, c in photo_paths(newsroom, snap)), str(newsroom.root),
                            str(newsroom.render.font_path), renderer.job_inputs(snap, newsroom)))
    return jobs


def workers_for(newsroom: Newsroom, jobs: list[Job]) -> int:
    cores = os.cpu_count() or 1
    wanted = newsroom.render.workers or cores
    return max(1, min(wanted, cores, len(jobs)))


def render(newsroom: Newsroom, store: Store, now: datetime, kinds: list[str] | None = None,
           story_ids: list[int] | None = None, force: bool = False,
           progress: Callable[[str, float], None] | None = None, encoding: Callable[[str, float], None] | None = None,
           wait_for_lock: float = 0) -> RenderSummary:
    """Make every missing rendition; each one stored as soon as it is made. `progress` hears of each
    finished job (label, jobs done); `encoding` of each clip's encode (label, share done, 0..1).
    One render at a time per newsroom (raises `Busy` when another holds the lock)."""
    with holding(newsroom, "render", wait=wait_for_lock):
        return _render(newsroom, store, now, kinds, story_ids, force, progress, encoding)


def _render(newsroom: Newsroom, store: Store, now: datetime, kinds: list[str] | None, story_ids: list[int] | None,
            force: bool, progress: Callable[[str, float], None] | None,
            encoding: Callable[[str, float], None] | None) -> RenderSummary:
    kinds = kinds if kinds is not None else kinds_for(newsroom)
    summary = RenderSummary()
    broken: dict[str, str] = {}
    with store.read() as conn:
        jobs = plan(conn, newsroom, kinds, story_ids, force, broken)
    if broken:
        _record_broken(newsroom, store, kinds, story_ids, broken, now, summary)
    if not jobs:
        return summary
    with contextlib.suppress(OSError):  # no font to measure with: the jobs say so themselves
        summary.notes += name_problems(newsroom, sorted({job.kind for job in jobs}))
    workers = workers_for(newsroom, jobs)
    clip_threads = max(1, (os.cpu_count() or 1) // workers)
    scratch = Path(tempfile.mkdtemp(prefix="render-", dir=_scratch_root(newsroom)))
    listener = _ProgressListener(encoding) if encoding and any(j.renderer.encodes for j in jobs) else None

    def how_to_run(job: Job) -> Job:
        extra = {**job.extra, "scratch": str(scratch)}
        if job.renderer.encodes:  # an encode's threads share the cores with the other workers
            extra |= {"threads": clip_threads, "timeout": newsroom.render.clip_timeout_seconds}
            if listener is not None:
                extra["progress"] = listener.reporter(job)
        return replace(job, extra=extra)

    try:
        jobs = [how_to_run(job) for job in jobs]
        if workers == 1:
            results = ((job, _safe(job)) for job in jobs)
            for job, outcome in results:
                _finish(newsroom, store, job, outcome, now, summary)
                if progress:
                    progress(f"{job.story_id} {job.kind}", len(summary.made) + len(summary.failed))
        else:
            context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = {pool.submit(_safe, job): job for job in jobs}
                for future in as_completed(futures):
                    job = futures[future]
                    _finish(newsroom, store, job, future.result(), now, summary)
                    if progress:
                        progress(f"{job.story_id} {job.kind}", len(summary.made) + len(summary.failed))
    finally:
        if listener is not None:
            listener.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if summary.made:
        _mark_site(newsroom, store, {story for story, _ in summary.made})
    return summary


def _record_broken(newsroom: Newsroom, store: Store, kinds: list[str], story_ids: list[int] | None,
                   broken: dict[str, str], now: datetime, summary: RenderSummary) -> None:
    """A recipe that cannot be read fails every story that needed it, each recorded."""
    with store.begin() as conn:
        s = t.stories
        query = select(s.c.id, s.c.current_revision)
        query = query.where(s.c.id.in_(story_ids)) if story_ids else query.where(s.c.state.in_(["approved", "published"]))
        for row in conn.execute(query.order_by(s.c.id)).all():
            for kind, reason in broken.items():
                summary.failed.append((row.id, kind, reason))
                record_event(conn, now, RENDERER, "render-failed", row.id, note=words.render.render_note(kind, reason),
                             data={"kind": kind, "revision": row.current_revision})


class _ProgressListener:
    """Clip encodes report their progress from the workers through a queue; a thread in the
    parent passes it to the caller's callback."""

    def __init__(self, callback: Callable[[str, float], None]):
        self.callback = callback
        self.manager = multiprocessing.get_context("spawn").Manager()
        self.queue = self.manager.Queue()
        self.thread = threading.Thread(target=self._follow, daemon=True)
        self.thread.start()

    def reporter(self, job: Job) -> _Reporter:
        return _Reporter(self.queue, f"story {job.story_id} {job.kind}")

    def _follow(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            self.callback(*item)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(5)
        self.manager.shutdown()


@dataclass(frozen=True)
class _Reporter:
    queue: Any
    label: str

    def __call__(self, share: float) -> None:
        self.queue.put((self.label, share))


def _scratch_root(newsroom: Newsroom) -> Path:
    folder = newsroom.runtime_dir / "render"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe(job: Job) -> tuple[str, Any]:
    """Run a job; a failure comes back as its reason (never as a crashed pool). A card has a time
    limit of its own; a clip's encode is limited by ffmpeg's timeout."""
    try:
        if job.renderer.encodes:
            return "ok", job.renderer.run(job)
        return "ok", within(CARD_SECONDS, job.renderer.run, job)
    except TookTooLong as exc:
        return "failed", words.render.took_too_long(job.kind, exc.seconds)
    except (RecipeError, ClipError, OSError, ValueError) as exc:
        return "failed", f"{type(exc).__name__}: {exc}" if not isinstance(exc, RecipeError | ClipError) else str(exc)


def _finish(newsroom: Newsroom, store: Store, job: Job, outcome: tuple[str, Any], now: datetime,
            summary: RenderSummary) -> None:
    status, value = outcome
    with store.begin() as conn:
        if status == "ok":
            files, meta = value
            save(conn, newsroom, job.story_id, job.revision, job.kind, job.recipe, files, meta, now)
            summary.made.append((job.story_id, job.kind))
            for warning in meta.get("warnings", []):
                summary.warnings.append((job.story_id, job.kind, warning))
                record_event(conn, now, RENDERER, "render-warning", job.story_id,
                             note=words.render.render_note(job.kind, warning), data={"kind": job.kind, "revision": job.revision})
        else:
            summary.failed.append((job.story_id, job.kind, value))
            record_event(conn, now, RENDERER, "render-failed", job.story_id, note=words.render.render_note(job.kind, value),
                         data={"kind": job.kind, "revision": job.revision})


def _mark_site(newsroom: Newsroom, store: Store, story_ids: set[int]) -> None:
    """New covers or clips of stories already on the site: the next publish pass rebuilds it."""
    site_channels = newsroom.channels_of_kind("web") + newsroom.channels_of_kind("rss")
    with store.read() as conn:
        live = ledger.carries_any(conn, story_ids, site_channels)
    if live:
        mark_site_stale(newsroom)
