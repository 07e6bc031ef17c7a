"""Reading and writing stories, their revisions and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from pipeline import store as t
from pipeline import words
from pipeline.model import ImageRef, Revision, Story, StoryDraft, StorySnapshot
from pipeline.store import insert_row


class StoryNotFound(LookupError):
    def __init__(self, story_id: int):
        super().__init__(words.common.story_missing(story_id))
        self.story_id = story_id


@dataclass(frozen=True)
class Actor:
    """Who does something: a person with a role, or the scheduler (`system`)."""

    name: str
    role: str

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


SYSTEM = Actor("scheduler", "system")


def record_event(conn: Connection, at: datetime, actor: Actor, action: str, story_id: int | None = None,
                 from_state: str | None = None, to_state: str | None = None, note: str = "",
                 data: dict[str, Any] | None = None) -> None:
    conn.execute(insert(t.events).values(
        at=at, actor=actor.name, role=actor.role, action=action, story_id=story_id,
        from_state=from_state, to_state=to_state, note=note, data=data or {},
    ))


def _revision_values(draft: StoryDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "summary": draft.summary,
        "body_md": draft.body_md,
        "station_id": draft.station_id,
        "theme": draft.theme,
        "dateline": draft.dateline,
        "author": draft.author,
        "images": [image.as_dict() for image in draft.images],
    }


def create_story(conn: Connection, draft: StoryDraft, actor: Actor, now: datetime,
                 report_id: int | None = None) -> int:
    """A new draft story with its first revision."""
    story_id = insert_row(conn, insert(t.stories).values(
        state="draft", current_revision=1, station_id=draft.station_id, theme=draft.theme,
        report_id=report_id, created_at=now, updated_at=now,
    ))
    conn.execute(insert(t.revisions).values(
        story_id=story_id, number=1, created_at=now, created_by=actor.name, note="",
        **_revision_values(draft),
    ))
    return int(story_id)


def add_revision(conn: Connection, story_id: int, draft: StoryDraft, actor: Actor, now: datetime,
                 note: str = "") -> int:
    """Store a new revision and make it the story's current one; returns its number."""
    story = get_story(conn, story_id)
    number = story.current_revision + 1
    conn.execute(insert(t.revisions).values(
        story_id=story_id, number=number, created_at=now, created_by=actor.name, note=note,
        **_revision_values(draft),
    ))
    conn.execute(update(t.stories).where(t.stories.c.id == story_id).values(
        current_revision=number, station_id=draft.station_id, theme=draft.theme, updated_at=now,
    ))
    return number


def _story_from_row(row: Any) -> Story:
    return Story(
        id=row.id, state=row.state, current_revision=row.current_revision, station_id=row.station_id,
        theme=row.theme, report_id=row.report_id, created_at=row.created_at,
        updated_at=row.updated_at, published_at=row.published_at, slug=row.slug,
    )


def revision_from_row(row: Any) -> Revision:
    content = StoryDraft(
        title=row.title, body_md=row.body_md, station_id=row.station_id, theme=row.theme,
        dateline=row.dateline, author=row.author, summary=row.summary,
        images=tuple(ImageRef.from_dict(d) for d in row.images or []),
    )
    return Revision(story_id=row.story_id, number=row.number, content=content,
                    created_at=row.created_at, created_by=row.created_by, note=row.note)


def get_story(conn: Connection, story_id: int) -> Story:
    row = conn.execute(select(t.stories).where(t.stories.c.id == story_id)).first()
    if row is None:
        raise StoryNotFound(story_id)
    return _story_from_row(row)


def get_revision(conn: Connection, story_id: int, number: int | None = None) -> Revision:
    if number is None:
        number = get_story(conn, story_id).current_revision
    row = conn.execute(select(t.revisions).where(
        t.revisions.c.story_id == story_id, t.revisions.c.number == number)).first()
    if row is None:
        raise LookupError(f"story {story_id} has no revision {number}")
    return revision_from_row(row)


def list_revisions(conn: Connection, story_id: int) -> list[Revision]:
    rows = conn.execute(select(t.revisions).where(t.revisions.c.story_id == story_id)
                        .order_by(t.revisions.c.number))
    return [revision_from_row(row) for row in rows]


def snapshot(conn: Connection, story_id: int, revision: int | None = None) -> StorySnapshot:
    """A story with one revision (default: the current one) and the corrections made up to it."""
    story = get_story(conn, story_id)
    chosen = get_revision(conn, story_id, revision)
    history = list_revisions(conn, story_id) if chosen.number > 1 else [chosen]
    corrections = tuple(r for r in history if r.note and 1 < r.number <= chosen.number)
    return StorySnapshot(story=story, revision=chosen, first_published_at=story.published_at,
                         corrections=corrections, first_title=history[0].content.title)


@dataclass(frozen=True)
class StoryRow:
    """A line of the story list."""

    id: int
    state: str
    title: str
    station_id: str
    theme: str | None
    dateline: datetime | None
    updated_at: datetime
    revision: int


def list_stories(conn: Connection, state: str | None = None,
                 station_ids: Iterable[str] | None = None, limit: int | None = None) -> list[StoryRow]:
    s, r = t.stories, t.revisions
    query = (select(s.c.id, s.c.state, r.c.title, s.c.station_id, s.c.theme, r.c.dateline,
                    s.c.updated_at, s.c.current_revision)
             .join(r, (r.c.story_id == s.c.id) & (r.c.number == s.c.current_revision))
             .order_by(s.c.id.desc()))
    if state:
        query = query.where(s.c.state == state)
    if station_ids is not None:
        query = query.where(s.c.station_id.in_(list(station_ids)))
    if limit:
        query = query.limit(limit)
    return [StoryRow(id=row.id, state=row.state, title=row.title, station_id=row.station_id,
                     theme=row.theme, dateline=row.dateline, updated_at=row.updated_at,
                     revision=row.current_revision) for row in conn.execute(query)]


def count_by_state(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(t.stories.c.state, func.count()).group_by(t.stories.c.state))
    return {state: count for state, count in rows}


def story_events(conn: Connection, story_id: int) -> list[Any]:
    return list(conn.execute(select(t.events).where(t.events.c.story_id == story_id)
                             .order_by(t.events.c.id)))


@dataclass
class ReportSummary:
    """What the reports behind a story say: their sources, how many were duplicates of it, the
    look-alike stories of other events, and what extraction flagged for checking."""

    sources: set[str]
    copies: int
    related: set[int]
    flags: list[str]


def report_summaries(conn: Connection, story_ids: list[int]) -> dict[int, ReportSummary]:
    """The summary of each story's reports (stories without reports are left out)."""
    r = t.reports
    found: dict[int, ReportSummary] = {}
    for chunk in range(0, len(story_ids), 500):
        query = select(r.c.story_id, r.c.source_id, r.c.relation, r.c.related, r.c.flags).where(
            r.c.story_id.in_(story_ids[chunk:chunk + 500]))
        for row in conn.execute(query):
            info = found.setdefault(row.story_id, ReportSummary(set(), 0, set(), []))
            info.sources.add(row.source_id)
            info.copies += row.relation == "duplicate"
            info.related.update(row.related or [])
            info.flags += [flag for flag in (row.flags or []) if flag not in info.flags]
    return found


def recent_ingest_errors(conn: Connection, limit: int = 20, include_resolved: bool = False) -> list[Any]:
    """The newest ingest errors (item, reason, source_id, stage, resolved_at), newest first; only
    those not resolved since unless `include_resolved`."""
    return list_ingest_errors(conn, limit=limit, include_resolved=include_resolved)


def reports_received(conn: Connection) -> list[Any]:
    """Every report's station and arrival time (station_id, created_at), for the monthly counts."""
    return list(conn.execute(select(t.reports.c.station_id, t.reports.c.created_at)))


def stories_published(conn: Connection) -> list[Any]:
    """Every published story's station, theme and first publication time (station_id, theme,
    published_at), for the monthly counts."""
    s = t.stories
    return list(conn.execute(select(s.c.station_id, s.c.theme, s.c.published_at)
                             .where(s.c.published_at.is_not(None))))


def rundown_edits(conn: Connection, unit: str) -> dict[str, list[str]]:
    """The editors' choices for one broadcast package (its unit): refs dropped, pinned, and the
    order they set — empty lists when nobody changed it."""
    row = conn.execute(select(t.rundown_edits.c.data).where(t.rundown_edits.c.unit == unit)).first()
    return {"drop": [], "pin": [], "order": [], **(row.data if row else {})}


def save_rundown_edits(conn: Connection, unit: str, data: dict[str, list[str]], by: str, now: datetime) -> None:
    """Store the editors' choices for a broadcast package, replacing the earlier ones."""
    e = t.rundown_edits
    values = {"data": data, "updated_by": by, "updated_at": now}
    if conn.execute(select(e.c.unit).where(e.c.unit == unit)).first() is not None:
        conn.execute(update(e).where(e.c.unit == unit).values(**values))
    else:
        conn.execute(insert(e).values(unit=unit, **values))


def list_ingest_errors(conn: Connection, source_id: str | None = None, limit: int | None = None,
                       include_resolved: bool = False) -> list[Row[Any]]:
    """What failed during ingest (fetches, extractions, photos, inbox files), newest first: only
    what is still unresolved (the same item has not come in fine since) unless `include_resolved`."""
    e = t.ingest_errors
    query = select(e).order_by(e.c.id.desc())
    if not include_resolved:
        query = query.where(e.c.resolved_at.is_(None))
    if source_id:
        query = query.where(e.c.source_id == source_id)
    if limit is not None:
        query = query.limit(limit)
    return list(conn.execute(query))


def count_ingest_errors(conn: Connection, include_resolved: bool = False) -> int:
    """How many ingest errors are unresolved (or recorded at all, with `include_resolved`)."""
    query = select(func.count()).select_from(t.ingest_errors)
    if not include_resolved:
        query = query.where(t.ingest_errors.c.resolved_at.is_(None))
    return conn.execute(query).scalar_one()


def resolve_ingest_errors(conn: Connection, source_id: str, item: str, now: datetime,
                          stages: Iterable[str] | None = None) -> list[Row[Any]]:
    """Mark the unresolved errors of one item (a file in the inbox, a page's URL) resolved: it came
    in fine. Returns the rows as they were, so the caller can tidy what they left behind (a stale
    quarantine note)."""
    e = t.ingest_errors
    condition = [e.c.source_id == source_id, e.c.item == item, e.c.resolved_at.is_(None)]
    if stages is not None:
        condition.append(e.c.stage.in_(list(stages)))
    rows = list(conn.execute(select(e).where(*condition).order_by(e.c.id)))
    if rows:
        conn.execute(update(e).where(e.c.id.in_([row.id for row in rows])).values(resolved_at=now))
    return rows


def resolve_refetched_errors(conn: Connection, source_id: str, now: datetime) -> int:
    """Mark a source's unresolved fetch errors resolved where the same URL has been fetched and
    stored since the error; returns how many."""
    e, raw = t.ingest_errors, t.raw_documents
    fetched_since = (select(raw.c.id).where(raw.c.source_id == e.c.source_id, raw.c.url == e.c.item,
                                            raw.c.fetched_at > e.c.created_at).exists())
    result = conn.execute(update(e).where(e.c.source_id == source_id, e.c.stage == "fetch",
                                          e.c.resolved_at.is_(None), fetched_since).values(resolved_at=now))
    return result.rowcount or 0
