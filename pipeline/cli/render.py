"""`kitchen render`: make the cards, posters and clips that are missing or out of date."""

from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from pipeline import words
from pipeline.cli.context import console, ctx, err, plain_errors, say
from pipeline.cli.helptext import Commands
from pipeline.render.renditions import kinds_for, plan
from pipeline.render.renditions import render as render_all
from pipeline.timeutil import utcnow

app = Commands()


@app.command(help=words.help.RENDER)
def render(
    story_ids: Annotated[list[int] | None, typer.Argument(help=words.help.RENDER_STORY_IDS)] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help=words.help.RENDER_KIND)] = None,
    force: Annotated[bool, typer.Option("--force", help=words.help.RENDER_FORCE)] = False,
) -> None:
    """Make the cards, posters and clips that are missing or out of date (recipe or story changed)."""
    with plain_errors():
        newsroom, store = ctx().newsroom, ctx().store
        kinds = kinds_for(newsroom)
        if kind:
            chosen = []
            for name in kind:
                group = [k for k in kinds if name in ("cards", "clips") and k.startswith(name[:-1] + "-")]
                if not group and name not in kinds:
                    raise typer.BadParameter(words.render.unknown_rendition(name, kinds))
                chosen += group or [name]
            kinds = list(dict.fromkeys(chosen))
        with store.read() as conn:
            total = len(plan(conn, newsroom, kinds, story_ids or None, force))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("render", total=total)
            encodes: dict[str, TaskID] = {}

            def encoding(label: str, share: float) -> None:  # one bar per clip, from ffmpeg's -progress
                if label not in encodes:
                    encodes[label] = progress.add_task(f"  {label}", total=100)
                progress.update(encodes[label], completed=round(share * 100))
                if share >= 1:
                    progress.remove_task(encodes.pop(label))

            summary = render_all(newsroom, store, utcnow(), kinds, story_ids or None, force,
                                 progress=lambda label, done: progress.update(task, completed=done, description=label),
                                 encoding=encoding if err.is_terminal else None)
    for note in summary.notes:
        say(words.render.WARNING_LABEL, "yellow", note, err)
    for story_id, kind_name in summary.made:
        console.print(words.render.rendered(story_id, kind_name))
    for story_id, kind_name, warning in summary.warnings:
        say(words.render.WARNING_LABEL, "yellow", words.render.render_warning(story_id, kind_name, warning), err)
    for story_id, kind_name, reason in summary.failed:
        say(words.render.FAILED_LABEL, "red", words.render.render_warning(story_id, kind_name, reason), err)
    console.print(words.render.render_summary(len(summary.made), len(summary.failed)))
    if summary.failed:
        raise typer.Exit(1)
