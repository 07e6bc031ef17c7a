"""`kitchen publish`: deliver what is due on its channels exactly once; list and retry failures."""

from typing import Annotated

import typer
from rich.table import Table

from pipeline import ledger
from pipeline.cli.context import console, ctx, local_time, plain_errors, say
from pipeline.locks import Busy
from pipeline.model import Publication
from pipeline.schedule import describe, publish_due
from pipeline.timeutil import parse_local, utcnow

app = typer.Typer()


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
    with plain_errors():
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
                console.print(f"due: story {pub.story_id} rev {pub.revision} → {pub.channel} ({pub.action}, "
                              f"due {local_time(pub.due_at)})")
            console.print(f"{len(rows)} due; nothing done (dry run)")
            return

        def report(pub: Publication, outcome: str) -> None:
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
