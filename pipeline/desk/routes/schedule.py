"""The schedule: what the ledger will deliver (by day and channel), what failed (with a retry
button), and what went out lately."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipeline import ledger, words
from pipeline.desk.auth import PostingUser, require_user
from pipeline.desk.deps import NewsroomDep, StoreDep
from pipeline.desk.pages import render_page
from pipeline.model import Publication
from pipeline.settings import Newsroom
from pipeline.stories import Actor, record_event
from pipeline.timeutil import format_local, utcnow

router = APIRouter()

WAITING = ("pending", "claimed", "retrying")


@router.get("/schedule", response_class=HTMLResponse, dependencies=[Depends(require_user)])
def schedule(request: Request, newsroom: NewsroomDep, store: StoreDep, channel: str = "", days: int = 7) -> HTMLResponse:
    with store.read() as conn:
        rows = ledger.list_publications(conn, channel=channel or None)  # by due time
    horizon = utcnow() + timedelta(days=max(1, min(days, 31)))
    by_day: dict[str, list[dict[str, Any]]] = {}
    for p in rows:
        if p.state in WAITING and p.due_at <= horizon:
            by_day.setdefault(format_local(p.due_at, newsroom.tz)[:10], []).append(_row(newsroom, p))
    upcoming = [_row(newsroom, p) for p in rows if p.state in WAITING]
    failed = [_row(newsroom, p) for p in rows if p.state == "failed"]
    done = [_row(newsroom, p) for p in sorted(rows, key=lambda p: p.published_at or p.due_at, reverse=True)
            if p.state == "done"][:50]
    return render_page(request, "schedule.html", upcoming=upcoming, failed=failed, done=done, by_day=by_day,
                       channel=channel, channels=list(newsroom.publish.channels), days=days)


@router.post("/schedule/{row_id}/retry")
def retry(row_id: int, user: PostingUser, store: StoreDep) -> Response:
    with store.begin() as conn:
        try:
            pub = ledger.retry_failed(conn, row_id, utcnow())
        except LookupError:
            raise HTTPException(status_code=404, detail=words.desk.retry_refused_missing(row_id)) from None
        except ValueError:
            state = ledger.get_publication(conn, row_id).state
            raise HTTPException(status_code=400, detail=words.desk.retry_refused_state(
                words.name_of(words.PUBLICATION_STATES, state))) from None
        record_event(conn, utcnow(), Actor(user.name, user.role), "retry", pub.story_id, note=pub.unit,
                     data={"row": row_id, "channel": pub.channel})
    return RedirectResponse("/schedule", status_code=303)


def _row(newsroom: Newsroom, p: Publication) -> dict[str, Any]:
    return {"id": p.id, "channel": p.channel, "unit": p.unit, "story_id": p.story_id, "state": p.state,
            "action": p.action, "due": format_local(p.due_at, newsroom.tz), "attempts": p.attempts,
            "error": p.last_error or "", "published": format_local(p.published_at, newsroom.tz) if p.published_at else ""}
