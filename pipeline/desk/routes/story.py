"""A story's page: its text and revisions with what each changed, the audit trail, the actions
the user's role allows, cards, clip and the spoken script as they will go out; and the forms that
edit it, correct it, choose its photos and move it through the workflow."""

from __future__ import annotations

import difflib
import html
import json
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from pipeline import words
from pipeline.desk.auth import CurrentUser, PostingUser, check_story_id, perform_as, story_not_found
from pipeline.desk.deps import NewsroomDep, StoreDep
from pipeline.desk.pages import render_page, station_tree, unit_label
from pipeline.desk.users import User
from pipeline.model import Revision, StorySnapshot
from pipeline.render import ensure_rendition
from pipeline.render.broadcast import pronunciations, settings_for
from pipeline.render.renditions import stored_for
from pipeline.render.speech import annotate, ruby_html
from pipeline.settings import Newsroom
from pipeline.store import Store
from pipeline.stories import Actor, StoryNotFound, list_revisions, snapshot, story_events
from pipeline.text import TITLE_LIMIT, control_codes
from pipeline.timeutil import format_local, parse_local, utcnow
from pipeline.workflow import ACTIONS, allowed_actions

router = APIRouter()

FORM_ACTIONS = ("edit", "publish", "correct")  # done by their own forms (or by the scheduler), not by a button


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int, user: CurrentUser, newsroom: NewsroomDep, store: StoreDep,
               notice: str = "") -> HTMLResponse:
    return render_page(request, "story.html", **story_context(newsroom, store, story_id, user), notice=notice)


@router.post("/stories/{story_id}/edit")
def edit(story_id: int, user: PostingUser, newsroom: NewsroomDep, store: StoreDep, title: str = Form(""),
         body: str = Form(""), station: str = Form(""), theme: str = Form("")) -> Response:
    with store.begin() as conn:
        content = snapshot_or_404(conn, story_id).revision.content
        if station not in newsroom.stations:
            raise HTTPException(status_code=400, detail=words.desk.no_station(station))
        if theme and theme not in newsroom.themes:
            raise HTTPException(status_code=400, detail=words.desk.no_theme(theme))
        title, body = checked_text(title, body)
        draft = replace(content, title=title, body_md=body, station_id=station, theme=theme or None)
        perform_as(conn, newsroom, story_id, "edit", user, draft=draft)
    return RedirectResponse(_with_notice(story_id, words.desk.saved()), status_code=303)


@router.post("/stories/{story_id}/correct")
def correct(story_id: int, user: PostingUser, newsroom: NewsroomDep, store: StoreDep, title: str = Form(""),
            body: str = Form(""), note: str = Form("")) -> Response:
    """A chief editor's correction of a published story: a new revision, re-published on every
    channel that carried it, with the note shown as 更正 on the page."""
    title, body = checked_text(title, body)
    with store.begin() as conn:
        content = snapshot_or_404(conn, story_id).revision.content
        draft = replace(content, title=title, body_md=body)
        perform_as(conn, newsroom, story_id, "correct", user, note=note, draft=draft)
    return RedirectResponse(_with_notice(story_id, words.desk.correction_sent()), status_code=303)


@router.post("/stories/{story_id}/do/{action}")
def act(story_id: int, action: str, user: PostingUser, newsroom: NewsroomDep, store: StoreDep,
        note: str = Form(""), at: str = Form(""), channels: Annotated[list[str] | None, Form()] = None) -> Response:
    if action not in ACTIONS or action in FORM_ACTIONS:
        raise HTTPException(status_code=404, detail=words.desk.no_such_action())
    params: dict[str, Any] = {}
    if action == "approve":
        if at.strip():
            try:
                params["at"] = parse_local(at.replace("T", " "), newsroom.tz)
            except ValueError:
                raise HTTPException(status_code=400, detail=words.desk.bad_time(at)) from None
        channels = channels or []
        unknown = [c for c in channels if c not in newsroom.publish.channels]
        if unknown:
            raise HTTPException(status_code=400, detail=words.desk.unknown_channels(unknown))
        params["channels"] = channels or None
    with store.begin() as conn:
        perform_as(conn, newsroom, story_id, action, user, note=note, **params)
    return RedirectResponse(_with_notice(story_id, words.desk.action_done(ACTIONS[action].label_zh)), status_code=303)


@router.post("/stories/{story_id}/photos")
def photos(story_id: int, user: PostingUser, newsroom: NewsroomDep, store: StoreDep, cover: int = Form(0),
           order: Annotated[list[str] | None, Form()] = None,
           drop: Annotated[list[int] | None, Form()] = None) -> Response:
    """Choose the cover (it goes first: cards and the article use the first photo), order the
    rest, leave some out — saved as a new revision like any edit."""
    with store.begin() as conn:
        content = snapshot_or_404(conn, story_id).revision.content
        images = list(content.images)
        try:
            ranks = [float(value) if value.strip() else float(n) for n, value in enumerate(order or [])]
        except ValueError:
            raise HTTPException(status_code=400, detail=words.desk.order_needs_numbers()) from None
        ranks += [float(n) for n in range(len(ranks), len(images))]
        kept = [n for n in sorted(range(len(images)), key=lambda n: (ranks[n], n)) if n not in set(drop or [])]
        if cover in kept:
            kept.remove(cover)
            kept.insert(0, cover)
        perform_as(conn, newsroom, story_id, "edit", user, draft=replace(content, images=tuple(images[n] for n in kept)))
    return RedirectResponse(_with_notice(story_id, words.desk.photos_saved()), status_code=303)


def _with_notice(story_id: int, notice: str) -> str:
    return f"/stories/{story_id}?" + urlencode({"notice": notice})


def checked_text(title: str, body: str) -> tuple[str, str]:
    """The title and body an editor typed, as stored (trimmed, body ending in a newline); refused
    with the reason when empty, when the title is too long, or when either holds control characters."""
    title, body = title.strip(), body.replace("\r\n", "\n").strip()
    if not title or not body:
        raise HTTPException(status_code=400, detail=words.desk.title_and_body_needed())
    if len(title) > TITLE_LIMIT:
        raise HTTPException(status_code=400, detail=words.desk.title_too_long(len(title), TITLE_LIMIT))
    for field, text in ((words.desk.field_title(), title), (words.desk.field_body(), body)):
        codes = control_codes(text)
        if codes:
            raise HTTPException(status_code=400, detail=words.desk.control_characters(field, codes))
    return title, body + "\n"


def snapshot_or_404(conn: Connection, story_id: int) -> StorySnapshot:
    check_story_id(story_id)
    try:
        return snapshot(conn, story_id)
    except StoryNotFound:
        raise story_not_found(story_id) from None


def story_context(newsroom: Newsroom, store: Store, story_id: int, user: User) -> dict[str, Any]:
    """What the story page shows. The spoken script is the stored spoken rendition — the one the
    loudspeaker packages read — at the newsroom's reading rate: the editor approves what airs."""
    actor = Actor(user.name, user.role)
    now = utcnow()
    with store.begin() as conn:  # the spoken rendition is rendered and stored when missing
        snap = snapshot_or_404(conn, story_id)
        revisions = list_revisions(conn, story_id)
        events = story_events(conn, story_id)
        number = snap.revision.number
        media = stored_for(conn, [(story_id, number)]).get((story_id, number), {})
        spoken = json.loads(ensure_rendition(conn, newsroom, story_id, number, "spoken", now).content)
    content = snap.revision.content
    cards = [{"kind": kind, "name": words.desk.card_name(kind), "src": f"/renditions/{made.files['main']}"} for kind, made in sorted(media.items())
             if kind.startswith("card-")]
    clip = next(({"src": f"/renditions/{m.files['main']}", "poster": f"/renditions/{m.files['poster']}",
                  "vtt": f"/renditions/{m.files['vtt']}"} for k, m in sorted(media.items()) if k.startswith("clip-")), None)
    allowed = {a.name: a for a in allowed_actions(snap.story, actor)}
    actions = [a for name, a in allowed.items() if name not in FORM_ACTIONS]
    return {
        "story": {"id": story_id, "state": snap.story.state, "title": content.title, "body": content.body_md,
                  "station": content.station_id, "theme": content.theme or "", "revision": number,
                  "dateline": format_local(content.dateline, newsroom.tz) if content.dateline else ""},
        "editable": "edit" in allowed,
        "correctable": "correct" in allowed,
        "actions": [{"name": a.name, "label": a.label_zh, "needs_note": a.needs_note} for a in actions],
        "channels": list(newsroom.publish.channels),
        "stations": station_tree(newsroom),
        "themes": sorted(newsroom.themes.values(), key=lambda th: th.id),
        "revisions": [{"number": r.number, "title": r.content.title, "by": r.created_by, "note": r.note,
                       "at": format_local(r.created_at, newsroom.tz),
                       "diff": diff_html(_revision_text(newsroom, before), _revision_text(newsroom, r)) if before else ""}
                      for before, r in reversed(list(zip([None, *revisions[:-1]], revisions, strict=True)))],
        "events": [{"at": format_local(e.at, newsroom.tz), "actor": e.actor, "note": event_note(newsroom, e),
                    "action": ACTIONS[e.action].label_zh if e.action in ACTIONS else words.desk.event_name(e.action)}
                   for e in reversed(events)],
        "cards": cards, "clip": clip,
        "spoken": ruby_html(annotate(spoken["spoken"], pronunciations(newsroom))),
        "rewritten": spoken["rewritten"],
        "reading": spoken["seconds"],
        "rate": settings_for(newsroom).chars_per_minute,
        "images": [{"index": n, "src": f"/media/{ref.sha256[:2]}/{ref.sha256}.{ref.ext}", "caption": ref.caption}
                   for n, ref in enumerate(content.images)],
        "now_local": datetime.now(newsroom.tz).strftime("%Y-%m-%dT%H:%M"),
    }


def _revision_text(newsroom: Newsroom, revision: Revision) -> str:
    content = revision.content
    return words.desk.revision_text(content.title, newsroom.station_name(content.station_id),
                                    newsroom.theme_name(content.theme), content.body_md)


def event_note(newsroom: Newsroom, event: Any) -> str:
    """What the audit trail says beside an event: its note (a ledger unit named as people read
    it), or the channel a delivery went out on."""
    note = event.note or ""
    if note and unit_label(newsroom, note) != note:
        return unit_label(newsroom, note)
    channel = (event.data or {}).get("channel") if isinstance(event.data, dict) else None
    if not note and isinstance(channel, str):
        return words.desk.channel_note(words.channel_name(channel, newsroom.channel_kind(channel)))
    return note


def diff_html(before: str, after: str) -> str:
    """What changed between two texts, by character (Chinese has no spaces to split words on):
    escaped text with <del> and <ins> around the changes."""
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(html.escape(before[a1:a2]))
        if op in ("delete", "replace"):
            parts.append(f"<del>{html.escape(before[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{html.escape(after[b1:b2])}</ins>")
    return "".join(parts)
