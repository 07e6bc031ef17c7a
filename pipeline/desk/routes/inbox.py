"""The inbox: drafts and stories in review, filtered by state, station, source and date, look-alike
stories next to each other, and the latest ingest errors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from pipeline import words
from pipeline.desk.auth import require_user
from pipeline.desk.deps import NewsroomDep, StoreDep
from pipeline.desk.pages import institute_name, render_page, station_tree
from pipeline.stories import StoryRow, list_stories, recent_ingest_errors, report_summaries
from pipeline.timeutil import format_local

router = APIRouter()


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(require_user)])
def inbox(request: Request, newsroom: NewsroomDep, store: StoreDep, state: str = "", station: str = "",
          source: str = "", since: str = "", until: str = "") -> HTMLResponse:
    states = [state] if state in words.STORY_STATES else ["draft", "in_review"]
    with store.read() as conn:
        rows = [s for st in states for s in list_stories(conn, state=st)]
        reports = report_summaries(conn, [s.id for s in rows])
        errors = recent_ingest_errors(conn)
    if station:
        below = newsroom.descendants(station)
        rows = [s for s in rows if s.station_id in below]
    if source:
        rows = [s for s in rows if s.id in reports and source in reports[s.id].sources]

    def day(s: StoryRow) -> str:
        return format_local(s.dateline or s.updated_at, newsroom.tz)[:10]

    rows = [s for s in rows if (not since or day(s) >= since) and (not until or day(s) <= until)]
    rows.sort(key=lambda s: s.updated_at, reverse=True)
    stories = []
    for s in rows:
        info = reports.get(s.id)
        stories.append({"id": s.id, "title": s.title, "state": s.state, "station": newsroom.station_name(s.station_id),
                        "institute": institute_name(newsroom, s.station_id),
                        "date": format_local(s.dateline, newsroom.tz)[:10] if s.dateline else "",
                        "sources": sorted(info.sources) if info else [], "copies": info.copies if info else 0,
                        "related": sorted(info.related) if info else [], "flags": info.flags if info else []})
    return render_page(request, "inbox.html", stories=clustered(stories), chosen_state=state, station=station,
                       source=source, since=since, until=until, sources=sorted(src.id for src in newsroom.sources),
                       stations=station_tree(newsroom),
                       errors=[{"item": e.item, "reason": e.reason, "source": e.source_id, "stage": e.stage}
                               for e in errors])


def clustered(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Look-alike stories next to each other (the first of a cluster where the newest of them
    is), the later ones marked as following it."""
    by_id = {s["id"]: s for s in stories}
    placed: set[int] = set()
    ordered = []
    for story in stories:
        if story["id"] in placed:
            continue
        cluster = [story] + [by_id[r] for r in story["related"] if r in by_id and r not in placed and r != story["id"]]
        for n, member in enumerate(cluster):
            placed.add(member["id"])
            ordered.append({**member, "follows": cluster[0]["id"] if n else None})
    return ordered
