"""`kitchen publish`: deliver what is due on its channels exactly once; list and retry failures."""

from typing import Annotated

import typer
from rich.table import Table

from pipeline import ledger, words
from pipeline.cli.context import console, ctx, folding, local_time, plain_errors, say
from pipeline.cli.helptext import Commands
from pipeline.locks import Busy
from pipeline.model import Publication
from pipeline.render.broadcast import unit_label
from pipeline.schedule import describe, publish_due
from pipeline.settings import Newsroom
from pipeline.timeutil import parse_local, utcnow
from pipeline.words import channel_name

app = Commands()


@app.command(help=words.help.PUBLISH)
def publish(
    due: Annotated[bool, typer.Option("--due", help=words.help.PUBLISH_DUE)] = False,
    now: Annotated[str | None, typer.Option("--now", help=words.help.PUBLISH_NOW)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=words.help.PUBLISH_DRY_RUN)] = False,
    failed: Annotated[bool, typer.Option("--failed", help=words.help.PUBLISH_FAILED)] = False,
    retry: Annotated[list[int] | None, typer.Option("--retry", help=words.help.PUBLISH_RETRY)] = None,
    retry_all: Annotated[bool, typer.Option("--retry-all", help=words.help.PUBLISH_RETRY_ALL)] = False,
) -> None:
    """Publish due stories on their channels, exactly once; list or retry failures."""
    with plain_errors():
        modes = [name for name, on in (("--failed", failed), ("--retry", bool(retry)),
                                       ("--retry-all", retry_all), ("--dry-run", dry_run)) if on]
        if len(modes) > 1 or (modes and modes != ["--dry-run"] and (due or now)):
            raise ValueError(words.render.choose_one(modes + (["--due"] if due else [])))
        newsroom, store = ctx().newsroom, ctx().store
        moment = parse_local(now, newsroom.tz) if now else None
        if failed:
            with store.begin() as conn:
                rows = ledger.list_publications(conn, state="failed")
            table = folding(Table(*words.render.FAILED_COLUMNS, box=None))
            for pub in rows:
                table.add_row(str(pub.id), unit_name(newsroom, pub), channel_shown(newsroom, pub.channel),
                              words.render.action_name(pub.action), str(pub.attempts), pub.last_error or "")
            console.print(table)
            console.print(words.render.failed_total(len(rows)))
            return
        if retry or retry_all:
            with store.begin() as conn:
                ids = retry or [pub.id for pub in ledger.list_publications(conn, state="failed")]
                for pub in (ledger.retry_failed(conn, row_id, utcnow()) for row_id in ids):
                    console.print(words.render.queued_again(pub.id, unit_name(newsroom, pub), channel_shown(newsroom, pub.channel)))
            console.print(words.render.queued_total(len(ids)))
            return
        if dry_run:
            with store.begin() as conn:
                rows = ledger.due_rows(conn, moment or utcnow())
            for pub in rows:
                console.print(words.render.due_line(unit_name(newsroom, pub), channel_shown(newsroom, pub.channel),
                                             pub.action, local_time(pub.due_at)))
            console.print(words.render.due_total(len(rows)))
            return

        def report(pub: Publication, outcome: str) -> None:
            styles = {"published": "green", "retracted": "green", "retrying": "yellow", "failed": "red"}
            say(words.render.OUTCOMES.get(outcome, outcome), styles.get(outcome, ""),
                f"{unit_name(newsroom, pub)} → {channel_shown(newsroom, pub.channel)}")

        try:
            summary = publish_due(newsroom, store, due_until=moment, on_item=report)
        except Busy as exc:  # an overlapping cron run is normal, not an error
            console.print(words.render.publish_skipped(exc))
            return
    console.print(describe(summary))
    if summary.failed or summary.flush_errors:
        raise typer.Exit(1)


def unit_name(newsroom: Newsroom, pub: Publication) -> str:
    """What a ledger row delivers, as an editor reads it: a story and its revision, or a package."""
    if pub.story_id is None:
        return words.render.package_ref(unit_label(newsroom, pub.unit))
    return words.render.story_ref(pub.story_id, pub.revision)


def channel_shown(newsroom: Newsroom, name: str) -> str:
    return channel_name(name, newsroom.channel_kind(name))
