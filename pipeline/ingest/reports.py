"""Filing an extracted report: store it, decide whether it is new, a repost or an update of one
already in, and create or join the story it belongs to. Every source kind goes through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from pipeline import store as t
from pipeline import words
from pipeline.ingest import dedupe
from pipeline.model import ImageRef, StoryDraft
from pipeline.settings import Newsroom
from pipeline.store import insert_row
from pipeline.stories import (
    Actor,
    add_revision,
    create_story,
    get_revision,
    get_story,
    record_event,
)
from pipeline.text import clean_draft, markdown_to_text

INGEST_ACTOR = Actor("ingest", "system")
CANDIDATE_WINDOW = timedelta(days=4)  # reposts come within days; merging needs ±2 days anyway


@dataclass
class ReportInput:
    source_id: str
    raw_document_id: int
    station_id: str
    title: str
    body_md: str
    published_at: datetime
    date_source: str
    author: str = ""
    theme: str | None = None
    summary: str = ""
    images: list[ImageRef] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    url: str | None = None
    method: str = "file"


@dataclass(frozen=True)
class Filed:
    report_id: int
    relation: str  # new | duplicate | update | seen
    story_id: int
    related: tuple[int, ...] = ()


def _candidates(conn: Connection, canonical: str | None, digest: str,
                published_at: datetime) -> list[dedupe.EarlierReport]:
    r, s = t.reports, t.stations
    near = r.c.published_at.between(published_at - CANDIDATE_WINDOW, published_at + CANDIDATE_WINDOW)
    conditions = [near, r.c.text_hash == digest]
    if canonical:
        conditions.append(r.c.canonical_url == canonical)
    rows = conn.execute(
        select(r.c.id, r.c.story_id, r.c.station_id, r.c.published_at, r.c.text_hash, r.c.minhash,
               r.c.canonical_url, r.c.source_id, s.c.township, s.c.village)
        .select_from(r.outerjoin(s, s.c.id == r.c.station_id))
        .where(or_(*conditions)).order_by(r.c.id))
    return [dedupe.EarlierReport(report_id=row.id, story_id=row.story_id, station_id=row.station_id,
                             place=(row.township or "", row.village or ""), published_at=row.published_at,
                             text_hash=row.text_hash, minhash=row.minhash, canonical_url=row.canonical_url,
                             source_id=row.source_id)
            for row in rows]


def file_report(conn: Connection, newsroom: Newsroom, report: ReportInput, now: datetime) -> Filed:
    """Store the report and attach it to a story: a new draft, or the story it duplicates/updates.
    Its text is cleaned here, by the one rule every door follows (`text.clean_draft`)."""
    draft = clean_draft(StoryDraft(title=report.title, body_md=report.body_md, station_id=report.station_id,
                                   theme=report.theme, dateline=report.published_at, author=report.author,
                                   summary=report.summary, images=tuple(report.images)))
    text = markdown_to_text(draft.body_md)
    canonical = dedupe.canonical_url(report.url) if report.url and "://" in report.url else None
    digest = dedupe.text_hash(f"{draft.title}\n{text}")
    signature = dedupe.minhash_of(text)
    station = newsroom.stations.get(report.station_id)
    place = (station.township, station.village) if station else ("", "")
    decision = dedupe.decide(canonical=canonical, digest=digest, signature=signature,
                             station_id=report.station_id, place=place, published_at=report.published_at,
                             candidates=_candidates(conn, canonical, digest, report.published_at),
                             source_id=report.source_id)
    relation = "origin" if decision.relation == "new" else decision.relation
    flags = list(report.flags)
    if decision.related:
        flags.append(words.ingest.alike_other_stories(decision.related))
    report_id = insert_row(conn, insert(t.reports).values(
        raw_document_id=report.raw_document_id, source_id=report.source_id, station_id=report.station_id,
        title=draft.title, body_md=draft.body_md, text=text, published_at=report.published_at,
        date_source=report.date_source, author=draft.author, theme=report.theme,
        images=[image.as_dict() for image in draft.images], flags=flags, created_at=now,
        url=report.url, canonical_url=canonical, text_hash=digest,
        minhash=dedupe.minhash_bytes(signature), relation=relation, related=list(decision.related),
        method=report.method,
    ))
    data = {"source": report.source_id, "report_id": report_id, "raw_document_id": report.raw_document_id,
            "flags": flags, "url": report.url}
    if decision.relation == "new":
        story_id = create_story(conn, draft, INGEST_ACTOR, now, report_id=report_id)
        conn.execute(update(t.reports).where(t.reports.c.id == report_id).values(story_id=story_id))
        record_event(conn, now, INGEST_ACTOR, "ingest", story_id, None, "draft", "",
                     {**data, "related": list(decision.related)})
        return Filed(report_id, "new", story_id, decision.related)

    assert decision.story_id is not None
    story_id = decision.story_id
    conn.execute(update(t.reports).where(t.reports.c.id == report_id).values(story_id=story_id))
    story = get_story(conn, story_id)
    untouched = get_revision(conn, story_id).created_by == INGEST_ACTOR.name
    note = decision.reason
    if decision.relation == "update" and story.state == "draft" and untouched:
        add_revision(conn, story_id, draft, INGEST_ACTOR, now, note="")
        note += words.ingest.draft_took_new_text()
    elif decision.relation == "update":
        note += words.ingest.update_left_alone(not untouched, words.name_of(words.STORY_STATES, story.state))
    action = {"duplicate": "duplicate-source", "update": "source-updated", "seen": "source-seen-again"}
    record_event(conn, now, INGEST_ACTOR, action[decision.relation], story_id, story.state, story.state,
                 note, {**data, "similarity": round(decision.similarity, 3)})
    return Filed(report_id, decision.relation, story_id, decision.related)


def story_sources(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    """Every report clustered under a story (its origin, reposts, updates), oldest first."""
    r = t.reports
    rows = conn.execute(select(r.c.id, r.c.source_id, r.c.url, r.c.relation, r.c.station_id, r.c.published_at,
                               r.c.raw_document_id).where(r.c.story_id == story_id).order_by(r.c.id))
    return [dict(row._mapping) for row in rows]
