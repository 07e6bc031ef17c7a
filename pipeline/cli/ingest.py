"""Ingest: pull in new reports from the configured sources, and list what failed and why."""

from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from pipeline.cli.context import console, ctx, err, local_time, plain_errors, say
from pipeline.ingest import ingest_all
from pipeline.ingest.crawl import requeue_failed
from pipeline.locks import Busy
from pipeline.stories import list_ingest_errors

app = typer.Typer()


@app.command()
def ingest(
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Extract again the fetched pages that failed "
                                               "(after fixing a source's rules or stations).")] = False,
) -> None:
    """Pull in new reports from every configured source: inbox files, sites, WeChat pages, feeds."""
    if retry_failed:
        with plain_errors():
            console.print(f"{requeue_failed(ctx().store, source)} failed page(s) will be extracted again")

    counts: dict[str, list[int]] = {}
    with plain_errors(), Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True,
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
    with plain_errors(), ctx().store.begin() as conn:
        rows = list_ingest_errors(conn, source, limit)
    table = Table("when", "source", "stage", "document", "item", "reason", box=None)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        document = f"raw #{row.raw_document_id}" if row.raw_document_id else ""
        table.add_row(local_time(row.created_at), row.source_id, row.stage, document, row.item,
                      row.reason + (f" → {row.quarantined_to}" if row.quarantined_to else ""))
    console.print(table)
    console.print(f"{len(rows)} error(s) shown" + (f" (the newest {limit}; --limit N for more)" if len(rows) == limit else ""))
