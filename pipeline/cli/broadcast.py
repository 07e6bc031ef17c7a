"""Village-loudspeaker broadcasts: build a slot's packages, and show a story as it will be read."""

import json
from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from pipeline import words
from pipeline.cli.context import console, ctx, folding, plain_errors, say
from pipeline.cli.helptext import Commands
from pipeline.model import PackageUnit
from pipeline.render import broadcast, ensure_rendition
from pipeline.render.speech import lint
from pipeline.schedule import rebuild_packages
from pipeline.stories import snapshot
from pipeline.text import markdown_to_text
from pipeline.timeutil import utcnow
from pipeline.words import seconds_text

group = Commands(help=words.help.BROADCAST, no_args_is_help=True)


@group.command("build", help=words.help.BROADCAST_BUILD)
def broadcast_build(
    day: Annotated[str, typer.Option("--date", help=words.help.BROADCAST_BUILD_DATE)] = "",
    slot: Annotated[str, typer.Option("--slot", help=words.help.BROADCAST_BUILD_SLOT)] = "",
    township: Annotated[str | None, typer.Option("--township", help=words.help.BROADCAST_BUILD_TOWNSHIP)] = None,
) -> None:
    """Build the packages of a slot now (script.html/.txt, audio.mp3, playlist.m3u, manifest.json),
    as new deliveries through the ledger, with the loudspeaker channel's engine and settings; a
    slot whose air time has passed is not built."""
    with plain_errors():
        newsroom = ctx().newsroom
        if not newsroom.slots:
            raise ValueError(words.render.NO_SLOTS)
        if not newsroom.channels_of_kind("loudspeaker"):
            raise ValueError(words.render.NO_LOUDSPEAKER)
        chosen = broadcast.slot_named(newsroom, slot or newsroom.slots[0].name)
        try:
            when = date.fromisoformat(day) if day else utcnow().astimezone(newsroom.tz).date()
        except ValueError:
            raise ValueError(words.render.bad_date_option(day)) from None
        with ctx().store.read() as conn:
            found = broadcast.rundowns(conn, newsroom, when, chosen, township)
        units = [PackageUnit(when, chosen.name, rundown.target.id) for rundown in found]
        targets = {str(unit): rundown.target for unit, rundown in zip(units, found, strict=True)}
        rows = rebuild_packages(newsroom, ctx().store, units)
        table = folding(Table(*words.render.BUILD_COLUMNS, box=None))
        slot_length = seconds_text(chosen.minutes * 60)
        for row in rows:
            target = targets[row.unit]
            package = broadcast.delivered_package(newsroom, row)
            if package is None:
                table.add_row(f"{target.name} ({target.id})", "", "", slot_length, "", "",
                              Text(words.render.package_not_built(row.state, row.last_error), style="yellow"))
                continue
            manifest = package.manifest
            loud = manifest["loudness"]
            table.add_row(f"{target.name} ({target.id})",
                          str(sum(1 for i in manifest["items"] if i["kind"] in ("story", "brief"))),
                          seconds_text(manifest["seconds"]), slot_length, str(len(manifest["left_out"])),
                          f"{loud['integrated_lufs']:.1f} LUFS" if loud else words.render.SCRIPT_ONLY,
                          str(package.folder.relative_to(newsroom.root)))
    console.print(table)


@group.command("spoken", help=words.help.BROADCAST_SPOKEN)
def broadcast_spoken(story_id: Annotated[int, typer.Argument(help=words.help.BROADCAST_SPOKEN_STORY_ID)]) -> None:
    """A story as the announcer will read it: what was rewritten for speech, the reading time, and
    what to fix before air (long sentences, brackets, abbreviations)."""
    with plain_errors():
        newsroom = ctx().newsroom
        with ctx().store.begin() as conn:
            snap = snapshot(conn, story_id)
            rendition = ensure_rendition(conn, newsroom, story_id, snap.revision.number, "spoken", utcnow())
    spoken = json.loads(rendition.content)
    rate = broadcast.settings_for(newsroom).chars_per_minute
    console.print(spoken["spoken"])
    console.print("\n" + words.render.reading_time(spoken["seconds"], rate))
    if spoken["rewritten"]:
        console.print(words.render.REWRITTEN_HEADING)
        for before, after in spoken["rewritten"]:
            console.print(f"  {before} → {after}")
    content = snap.revision.content
    for issue in lint(f"{content.title}。{markdown_to_text(content.body_md)}"):
        say(words.render.CHECK_LABEL, "yellow", f"{issue.message}「{issue.excerpt}」— {issue.suggestion}")
