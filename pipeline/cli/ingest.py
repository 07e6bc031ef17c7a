"""Ingest: pull in new reports from the configured sources, and list what failed and why."""

from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from pipeline import words
from pipeline.cli.context import console, ctx, err, folding, local_time, plain_errors, say
from pipeline.cli.helptext import Commands
from pipeline.ingest import ingest_all
from pipeline.ingest.crawl import requeue_failed
from pipeline.locks import Busy
from pipeline.stories import list_ingest_errors

app = Commands()


@app.command(help=words.help.INGEST)
def ingest(
    source: Annotated[str | None, typer.Option(help=words.help.SOURCE)] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help=words.help.INGEST_RETRY_FAILED)] = False,
) -> None:
    """Pull in new reports from every configured source: inbox files, sites, WeChat pages, feeds."""
    if retry_failed:
        with plain_errors():
            console.print(words.ingest.requeued(requeue_failed(ctx().store, source)))

    counts: dict[str, list[int]] = {}
    with plain_errors(), Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), console=err,
                                  transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(words.ingest.PROBLEM_LABELS["ingest"], total=None)

        def show(source_id: str, event: dict[str, Any]) -> None:
            fetched, failed = counts.setdefault(source_id, [0, 0])
            if event.get("event") == "fetched":
                fetched += 1
            elif event.get("event") == "error":
                failed += 1
            counts[source_id] = [fetched, failed]
            progress.update(task, description=words.ingest.progress(source_id, fetched, failed,
                                                                    event.get("url", "")[-60:]))

        try:
            summary = ingest_all(ctx().newsroom, ctx().store, only=source, progress=show)
        except Busy as exc:
            console.print(words.ingest.ingest_skipped(str(exc)))
            return
    table = folding(Table(*words.ingest.SUMMARY_COLUMNS, box=None))
    for source_id, one in summary.by_source.items():
        table.add_row(source_id, str(one.fetched), str(one.new_reports), str(one.updated), str(one.duplicates),
                      str(one.failed))
    console.print(table)
    console.print(words.ingest.ingest_done(summary.describe()), soft_wrap=True)
    if summary.story_ids:
        console.print(words.ingest.new_drafts(summary.story_ids), soft_wrap=True)
    for label, detail in summary.problems():
        say(label, "yellow", detail, err)
    if summary.failed:
        console.print(words.ingest.see_errors())
    if summary.source_errors:
        raise typer.Exit(1)


@app.command(help=words.help.ERRORS)
def errors(
    source: Annotated[str | None, typer.Option(help=words.help.SOURCE)] = None,
    limit: Annotated[int, typer.Option(help=words.help.ERRORS_LIMIT)] = 50,
    everything: Annotated[bool, typer.Option("--all", help=words.help.ERRORS_ALL)] = False,
) -> None:
    """What failed during ingest and is not resolved yet, and why: fetches, extractions, photos, inbox files."""
    with plain_errors(), ctx().store.begin() as conn:
        rows = list_ingest_errors(conn, source, limit, include_resolved=everything)
    if not rows:
        console.print(words.ingest.no_errors(everything))
        return
    # One error a block, the reason on a line of its own: a table squeezed into a terminal folds
    # a Chinese reason into a narrow column.
    for row in rows:
        head = [local_time(row.created_at), row.source_id, words.name_of(words.STAGES, row.stage), row.item]
        if row.raw_document_id:
            head.append(words.ingest.raw_document(row.raw_document_id))
        if row.resolved_at is not None:
            head.append(words.ingest.resolved_at(local_time(row.resolved_at)))
        say(head[0], "bold", " · ".join(head[1:]))
        console.print(f"    {row.reason}", soft_wrap=True)
        if row.quarantined_to:
            console.print(f"    → {words.ingest.quarantined_to(row.quarantined_to, row.resolved_at is not None)}",
                          soft_wrap=True)
    console.print(words.ingest.errors_shown(len(rows), limit, everything))
