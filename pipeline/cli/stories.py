"""Stories: list and show them, edit and correct them, and move them through the workflow
(approve, submit, reject, reopen, withdraw, kill)."""

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline import words
from pipeline.cli.context import (
    console,
    ctx,
    err,
    folding,
    local_time,
    plain_errors,
    say,
    state_id,
    state_label,
)
from pipeline.cli.helptext import Commands
from pipeline.editing import document_to_draft, story_to_document
from pipeline.ingest.documents import DocumentError, resolve_station
from pipeline.ingest.reports import story_sources
from pipeline.ledger import LedgerBusy, list_publications
from pipeline.settings import Newsroom
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

app = Commands()


@app.command(help=words.help.STORIES)
def stories(
    state: Annotated[str | None, typer.Option(help=words.help.STORIES_STATE)] = None,
    station: Annotated[str | None, typer.Option(help=words.help.STORIES_STATION)] = None,
    limit: Annotated[int, typer.Option(help=words.help.STORIES_LIMIT)] = 200,
) -> None:
    """List stories, newest first."""
    with plain_errors():
        newsroom = ctx().newsroom
        wanted = state_id(state) if state else None
        scope = newsroom.descendants(_station_id(newsroom, station)) if station else None
        with ctx().store.begin() as conn:
            rows = list_stories(conn, state=wanted, station_ids=scope, limit=limit)
    table = folding(Table(*words.cli.STORY_COLUMNS, box=None, pad_edge=False))
    for row in rows:
        table.add_row(str(row.id), state_label(row.state), local_time(row.dateline)[:10],
                      newsroom.station_name(row.station_id), row.title)
    console.print(table)
    console.print(words.cli.stories_count(len(rows), limit if len(rows) == limit else None))


def _station_id(newsroom: Newsroom, given: str) -> str:
    """A station named by id or by its full name, as the inbox takes it."""
    found = resolve_station(newsroom, given.strip())
    if found is None:
        raise ValueError(words.cli.station_unknown(given))
    return found


@app.command(help=words.help.SHOW)
def show(story_id: Annotated[int, typer.Argument(help=words.help.STORY_ID)]) -> None:
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
    console.print(words.cli.show_state(state_label(snap.story.state), snap.revision.number,
                                       newsroom.station_name(content.station_id), content.station_id))
    console.print(words.cli.show_theme(newsroom.theme_name(content.theme), local_time(content.dateline),
                                       content.author))
    if content.summary:
        console.print(words.cli.show_summary(content.summary))
    console.print()
    console.print(content.body_md.rstrip())
    console.print()
    for image in content.images:
        console.print(words.cli.show_image(image.sha256[:12], image.width, image.height, image.caption))
    if sources:
        console.print(words.cli.SOURCES, style="bold")
        for source in sources:
            where = source["url"] or words.cli.raw_document(source["raw_document_id"])
            console.print(f"  {words.name_of(words.cli.RELATIONS, source['relation'])}  {source['source_id']}  {where}  "
                          f"（{newsroom.station_name(source['station_id'])}，{local_time(source['published_at'])}）")
    if len(revisions) > 1:
        console.print(words.cli.REVISIONS, style="bold")
        for rev in revisions:
            console.print(f"  {rev.number}  {local_time(rev.created_at)}  {words.name_of(words.ACTORS, rev.created_by)}  {rev.note}")
    if pubs:
        table = folding(Table(*words.cli.PUBLICATION_COLUMNS, title=words.cli.CHANNELS, box=None,
                              title_justify="left"))
        for pub in pubs:
            table.add_row(words.channel_name(pub.channel, newsroom.channel_kind(pub.channel)),
                          words.name_of(words.PUBLICATION_ACTIONS, pub.action),
                          words.name_of(words.PUBLICATION_STATES, pub.state), local_time(pub.due_at), str(pub.revision),
                          str(pub.attempts), local_time(pub.published_at), pub.last_error or "")
        console.print(table)
    table = folding(Table(*words.cli.EVENT_COLUMNS, title=words.cli.HISTORY, box=None, title_justify="left"))
    for event in events:
        action = ACTIONS[event.action].label_zh if event.action in ACTIONS else words.name_of(words.EVENTS, event.action)
        change = (f"{state_label(event.from_state or '')} → {state_label(event.to_state or '')}"
                  if event.from_state != event.to_state else "")
        table.add_row(local_time(event.at), words.name_of(words.ACTORS, event.actor), action, change, event.note)
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
            raise ValueError(words.cli.editor_missing(editor)) from None
        if result.returncode != 0:
            raise ValueError(words.cli.editor_failed(editor, result.returncode))
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
            console.print(words.cli.no_changes())
            return
        try:
            with store.begin() as conn:
                draft, note = document_to_draft(text, newsroom, conn, utcnow(), correction=action == "correct")
                if draft == snap.revision.content:
                    if action == "edit":
                        console.print(words.cli.no_changes())
                        return
                    raise DocumentError(words.cli.correction_unchanged())
                result = perform(conn, newsroom, story_id, action, actor, utcnow(), note=note, draft=draft)
        except DocumentError as exc:
            say(words.cli.NOT_SAVED, "red", str(exc), err)
            if from_file is None and sys.stdin.isatty() and typer.confirm(words.cli.edit_again(), default=True):
                continue
            keep = newsroom.runtime_dir / "unsaved" / f"story-{story_id}.md"
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_text(text, encoding="utf-8")
            err.print(words.cli.text_kept(keep))
            raise typer.Exit(1) from None
        break
    if action == "correct":
        console.print(words.cli.correction_saved(story_id, result["revision"],
                                                 _channel_names(newsroom, result["republishing"])))
    else:
        console.print(words.cli.saved_revision(story_id, result["revision"]))


def _channel_names(newsroom: Newsroom, names: list[str]) -> str:
    """Channels as the command line names them: `web（网站）、export（外发）`."""
    return "、".join(f"{name}（{words.channel_name(name, newsroom.channel_kind(name))}）" for name in names)


@app.command(help=words.help.EDIT)
def edit(
    story_id: Annotated[int, typer.Argument(help=words.help.STORY_ID)],
    from_file: Annotated[Path | None, typer.Option("--file", help=words.help.EDIT_FILE)] = None,
) -> None:
    """Edit a story in $EDITOR (Markdown with front matter); a new revision is saved if valid."""
    with plain_errors():
        _edit_loop(story_id, "edit", None, from_file)


@app.command(help=words.help.CORRECT)
def correct(
    story_id: Annotated[int, typer.Argument(help=words.help.STORY_ID)],
    why: Annotated[str | None, typer.Option("--why", help=words.help.CORRECT_WHY)] = None,
    from_file: Annotated[Path | None, typer.Option("--file", help=words.help.CORRECT_FILE)] = None,
) -> None:
    """Correct a published story: a new revision, re-published on every channel that carried it."""
    with plain_errors():
        _edit_loop(story_id, "correct", why, from_file)


@app.command(help=words.help.APPROVE)
def approve(
    story_ids: Annotated[list[int], typer.Argument(help=words.help.STORY_IDS)],
    at: Annotated[str | None, typer.Option("--at", help=words.help.APPROVE_AT)] = None,
    channels: Annotated[list[str] | None, typer.Option(
        "--channels", help=words.help.APPROVE_CHANNELS)] = None,
) -> None:
    """Approve stories for publication, now or at a set time."""
    with plain_errors():
        newsroom = ctx().newsroom
        now = utcnow()
        due = parse_local(at, newsroom.tz) if at else None
        chosen = chosen_channels(newsroom, channels) if channels else None
        if due and due < now:
            say(words.cli.NOTE, "yellow", words.cli.time_passed(), err)

        def one(story_id: int) -> None:
            with ctx().store.begin() as conn:
                result = perform(conn, newsroom, story_id, "approve", ctx().actor, now, at=due, channels=chosen)
            when = local_time(due) if due else words.cli.now_word()
            console.print(words.cli.approved(story_id, _channel_names(newsroom, result["channels"]), when))

        _for_each_story(story_ids, "approve", one)


SEPARATORS = re.compile(r"[,，、;；]")


def chosen_channels(newsroom: Newsroom, given: list[str]) -> list[str]:
    """The channels of every --channels option, merged in order: each may be a comma-separated
    list (`web,rss`, also with Chinese commas), a channel's name or its Chinese name (`网站`).
    A list separated by spaces (`"web rss"`) is refused with a word on commas; an unknown channel
    is left for the workflow to refuse, naming the enabled ones."""
    names: list[str] = []
    for option in given:
        for part in SEPARATORS.split(option):
            part = part.strip()
            if not part:
                continue
            if any(c.isspace() for c in part):
                raise WorkflowError(words.cli.channels_with_spaces(option))
            for name in newsroom.publish.channels:  # 网站 → web
                if part == words.channel_name(name, newsroom.channel_kind(name)):
                    part = name
            names.append(part)
    return list(dict.fromkeys(names))


def _for_each_story(story_ids: list[int], action: str, do: Callable[[int], None]) -> None:
    """Apply `do(story_id)` to every story in its own transaction; a refused story is reported
    and the others still go ahead; exit status 1 if any was refused."""
    refused = 0
    for story_id in story_ids:
        try:
            do(story_id)
        except (WorkflowError, LedgerBusy, StoryNotFound) as exc:
            refused += 1
            say(words.cli.REFUSED, "red", str(exc), err)
    if refused and len(story_ids) > 1:
        err.print(words.cli.batch_summary(ACTIONS[action].label_zh, len(story_ids) - refused, refused))
    if refused:
        raise typer.Exit(1)


def _simple_action(name: str) -> None:
    action = ACTIONS[name]

    def command(
        story_ids: Annotated[list[int], typer.Argument(help=words.help.STORY_IDS)],
        why: Annotated[str, typer.Option("--why", help=words.help.WHY_REQUIRED if action.needs_note else words.help.WHY)] = "",
    ) -> None:
        with plain_errors():
            if action.needs_note and not why.strip():
                raise WorkflowError(words.cli.needs_reason(action.label_zh))

            def one(story_id: int) -> None:
                newsroom = ctx().newsroom
                with ctx().store.begin() as conn:
                    result = perform(conn, newsroom, story_id, name, ctx().actor, utcnow(), note=why)
                extra = [(words.name_of(words.cli.RESULT_KEYS, key), _channel_names(newsroom, value))
                         for key, value in result.items() if isinstance(value, list) and value]
                console.print(words.cli.action_done(story_id, action.label_zh, extra))

            _for_each_story(story_ids, name, one)

    command.__doc__ = f"{action.help[0].upper()}{action.help[1:]}."  # for developers; users read words.help
    app.command(name=name, help=words.help.ACTIONS[name])(command)


# Commands that only move a story through the table are generated from the table itself.
for _name in ("submit", "reject", "reopen", "withdraw", "kill"):
    _simple_action(_name)
