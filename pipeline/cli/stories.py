"""Stories: list and show them, edit and correct them, and move them through the workflow
(approve, submit, reject, reopen, withdraw, kill)."""

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli.context import console, ctx, err, local_time, plain_errors, say, state_label
from pipeline.editing import document_to_draft, story_to_document
from pipeline.ingest.documents import DocumentError
from pipeline.ingest.reports import story_sources
from pipeline.ledger import LedgerBusy, list_publications
from pipeline.model import STORY_STATES
from pipeline.stories import (
    StoryNotFound,
    get_story,
    list_revisions,
    list_stories,
    snapshot,
    story_events,
)
from pipeline.timeutil import parse_local, utcnow
from pipeline.workflow import ACTIONS, WorkflowError, check, perform

app = typer.Typer()


@app.command()
def stories(
    state: Annotated[str | None, typer.Option(help="Only stories in this state.")] = None,
    station: Annotated[str | None, typer.Option(help="Only this station and the stations under it.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (newest first).")] = 200,
) -> None:
    """List stories, newest first."""
    with plain_errors():
        newsroom = ctx().newsroom
        if state and state not in STORY_STATES:
            raise ValueError(f"state must be one of {', '.join(STORY_STATES)}")
        if station and station not in newsroom.stations:
            raise ValueError(f"'{station}' is not a station in stations.csv")
        scope = newsroom.descendants(station) if station else None
        with ctx().store.begin() as conn:
            rows = list_stories(conn, state=state, station_ids=scope, limit=limit)
    table = Table("id", "state", "date", "station", "title", box=None, pad_edge=False)
    for row in rows:
        table.add_row(str(row.id), state_label(row.state), local_time(row.dateline)[:10],
                      newsroom.station_name(row.station_id), row.title)
    console.print(table)
    more = f" (the newest {limit}; --limit N shows more)" if len(rows) == limit else ""
    console.print(f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'}{more}")


@app.command()
def show(story_id: Annotated[int, typer.Argument(help="Story id.")]) -> None:
    """Show a story: its text, revisions, channels and history."""
    with plain_errors():
        newsroom = ctx().newsroom
        with ctx().store.begin() as conn:
            snap = snapshot(conn, story_id)
            revisions = list_revisions(conn, story_id)
            pubs = list_publications(conn, story_id=story_id)
            events = story_events(conn, story_id)
            sources = story_sources(conn, story_id)
    content = snap.revision.content
    console.print(f"#{snap.story.id} {content.title}", style="bold")
    console.print(f"state: {state_label(snap.story.state)}   revision: {snap.revision.number}   "
                  f"station: {newsroom.station_name(content.station_id)} ({content.station_id})")
    console.print(f"theme: {newsroom.theme_name(content.theme) or '-'}   date: {local_time(content.dateline)}   "
                  f"author: {content.author or '-'}")
    if content.summary:
        console.print(f"summary: {content.summary}")
    console.print()
    console.print(content.body_md.rstrip())
    console.print()
    for image in content.images:
        console.print(f"image {image.sha256[:12]} {image.width}×{image.height} {image.caption}")
    if sources:
        console.print("sources", style="bold")
        for source in sources:
            where = source["url"] or f"raw #{source['raw_document_id']}"
            console.print(f"  {source['relation']:<9} {source['source_id']}  {where}  "
                          f"({newsroom.station_name(source['station_id'])}, {local_time(source['published_at'])})")
    if len(revisions) > 1:
        console.print("revisions", style="bold")
        for rev in revisions:
            console.print(f"  {rev.number}  {local_time(rev.created_at)}  {rev.created_by}  {rev.note}")
    if pubs:
        table = Table("channel", "action", "state", "due", "rev", "attempts", "published", "error",
                      title="channels", box=None, title_justify="left")
        for pub in pubs:
            table.add_row(pub.channel, pub.action, pub.state, local_time(pub.due_at), str(pub.revision),
                          str(pub.attempts), local_time(pub.published_at), pub.last_error or "")
        console.print(table)
    table = Table("when", "who", "action", "from → to", "note", title="history", box=None, title_justify="left")
    for event in events:
        table.add_row(local_time(event.at), event.actor, event.action,
                      f"{event.from_state or ''} → {event.to_state or ''}", event.note)
    console.print(table)


def _open_editor(text: str, story_id: int) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    with tempfile.NamedTemporaryFile("w", suffix=f"-story-{story_id}.md", delete=False, encoding="utf-8") as handle:
        handle.write(text)
        path = Path(handle.name)
    try:
        try:
            result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except FileNotFoundError:
            raise ValueError(f"the editor '{editor}' was not found; set EDITOR (e.g. EDITOR=nano)") from None
        if result.returncode != 0:
            raise ValueError(f"the editor ({editor}) exited with status {result.returncode}; nothing saved")
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def _edit_loop(story_id: int, action: str, correction_note: str | None, from_file: Path | None) -> None:
    newsroom, store, actor = ctx().newsroom, ctx().store, ctx().actor
    with store.begin() as conn:
        snap = snapshot(conn, story_id)
        check(ACTIONS[action], get_story(conn, story_id), actor)
    original = story_to_document(snap, newsroom, correction=action == "correct",
                                 correction_note=correction_note or "")
    text = from_file.read_text(encoding="utf-8") if from_file else original
    while True:
        if from_file is None:
            text = _open_editor(text, story_id)
        if text == original and action == "edit":
            console.print("no changes; nothing saved")
            return
        try:
            with store.begin() as conn:
                draft, note = document_to_draft(text, newsroom, conn, utcnow(), correction=action == "correct")
                if draft == snap.revision.content:
                    if action == "edit":
                        console.print("no changes; nothing saved")
                        return
                    raise DocumentError("the text is the same as the published revision; "
                                        "change what needs correcting")
                result = perform(conn, newsroom, story_id, action, actor, utcnow(), note=note, draft=draft)
        except DocumentError as exc:
            say("not saved:", "red", str(exc), err)
            if from_file is None and sys.stdin.isatty() and typer.confirm("Open the editor again?", default=True):
                continue
            keep = newsroom.runtime_dir / "unsaved" / f"story-{story_id}.md"
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_text(text, encoding="utf-8")
            err.print(f"your text is kept in {keep}")
            raise typer.Exit(1) from None
        break
    if action == "correct":
        channels = ", ".join(result["republishing"]) or "none yet"
        console.print(f"story {story_id}: correction saved as revision {result['revision']}; "
                      f"re-publishing on: {channels}")
    else:
        console.print(f"story {story_id}: saved revision {result['revision']}")


@app.command()
def edit(
    story_id: Annotated[int, typer.Argument(help="Story id.")],
    from_file: Annotated[Path | None, typer.Option("--file", help="Take the edited document from this file instead of opening $EDITOR.")] = None,
) -> None:
    """Edit a story in $EDITOR (Markdown with front matter); a new revision is saved if valid."""
    with plain_errors():
        _edit_loop(story_id, "edit", None, from_file)


@app.command()
def correct(
    story_id: Annotated[int, typer.Argument(help="Story id.")],
    why: Annotated[str | None, typer.Option("--why", help="The correction note (更正说明).")] = None,
    from_file: Annotated[Path | None, typer.Option("--file", help="Take the corrected document from this file.")] = None,
) -> None:
    """Correct a published story: a new revision, re-published on every channel that carried it."""
    with plain_errors():
        _edit_loop(story_id, "correct", why, from_file)


@app.command()
def approve(
    story_ids: Annotated[list[int], typer.Argument(help="Story id(s).")],
    at: Annotated[str | None, typer.Option("--at", help='Publish at this newsroom time, e.g. "2026-12-01 08:00" (default: now).')] = None,
    channels: Annotated[str | None, typer.Option("--channels", help="Comma-separated channels (default: all enabled).")] = None,
) -> None:
    """Approve stories for publication, now or at a set time."""
    with plain_errors():
        newsroom = ctx().newsroom
        now = utcnow()
        due = parse_local(at, newsroom.tz) if at else None
        chosen = [c.strip() for c in channels.split(",") if c.strip()] if channels else None
        if due and due < now:
            say("note:", "yellow", "that time has passed; it goes out at the next publish run", err)

        def one(story_id: int) -> None:
            with ctx().store.begin() as conn:
                result = perform(conn, newsroom, story_id, "approve", ctx().actor, now, at=due, channels=chosen)
            when = local_time(due) if due else "now"
            console.print(f"story {story_id}: approved for {', '.join(result['channels'])} at {when}")

        _for_each_story(story_ids, "approve", one)


def _for_each_story(story_ids: list[int], action: str, do: Callable[[int], None]) -> None:
    """Apply `do(story_id)` to every story in its own transaction; a refused story is reported
    and the others still go ahead; exit status 1 if any was refused."""
    refused = 0
    for story_id in story_ids:
        try:
            do(story_id)
        except (WorkflowError, LedgerBusy, StoryNotFound) as exc:
            refused += 1
            say("refused:", "red", str(exc), err)
    if refused and len(story_ids) > 1:
        say(f"{action}:", "yellow", f"{len(story_ids) - refused} done, {refused} refused", err)
    if refused:
        raise typer.Exit(1)


def _simple_action(name: str) -> None:
    action = ACTIONS[name]

    def command(
        story_ids: Annotated[list[int], typer.Argument(help="Story id(s).")],
        why: Annotated[str, typer.Option("--why", help="The reason (required)." if action.needs_note else "A note.")] = "",
    ) -> None:
        with plain_errors():
            if action.needs_note and not why.strip():
                raise WorkflowError(f"'{name}' needs a reason: --why \"…\"")

            def one(story_id: int) -> None:
                with ctx().store.begin() as conn:
                    result = perform(conn, ctx().newsroom, story_id, name, ctx().actor, utcnow(), note=why)
                extra = "".join(f"; {key}: {', '.join(value)}" for key, value in result.items()
                                if isinstance(value, list) and value)
                console.print(f"story {story_id}: {name} done ({action.label_zh}){extra}")

            _for_each_story(story_ids, name, one)

    command.__doc__ = f"{action.help[0].upper()}{action.help[1:]} ({action.label_zh})."
    app.command(name=name)(command)


# Commands that only move a story through the table are generated from the table itself.
for _name in ("submit", "reject", "reopen", "withdraw", "kill"):
    _simple_action(_name)
