"""The newsroom as a whole: create it, check it, run the demo, run the daemon, see its status."""

from pathlib import Path
from typing import Annotated

import typer

from pipeline import ledger
from pipeline.cli.context import console, ctx, err, local_time, plain_errors, say, state_label
from pipeline.demo import print_demo_report, run_demo
from pipeline.render.renditions import recipe_problems
from pipeline.scaffold import init_newsroom
from pipeline.schedule import Daemon
from pipeline.stories import count_by_state, count_ingest_errors
from pipeline.timeutil import utcnow
from publishers import open_channel

app = typer.Typer()


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the newsroom in.")],
    title: Annotated[str, typer.Option(help="Site title.")] = "县融媒体中心 · 新时代文明实践",
    base_url: Annotated[str, typer.Option(help="Public URL of the site.")] = "https://news.example.cn/",
    timezone: Annotated[str, typer.Option(help="Newsroom timezone.")] = "Asia/Shanghai",
) -> None:
    """Create a newsroom folder: kitchen.toml, stations.csv, templates/, inbox/."""
    with plain_errors():
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
    with plain_errors():
        newsroom = ctx().newsroom
        ctx().store  # noqa: B018 — opening it checks the database URL and applies migrations
        warnings = [f"channel {name}: {problem}" for name in newsroom.publish.channels
                    for problem in open_channel(newsroom, name).preflight()]
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
    with plain_errors():
        result = run_demo(directory, quick=quick)
    print_demo_report(result, console)


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="One ingest and one publish pass, then stop.")] = False,
) -> None:
    """The daemon: ingest every N minutes and publish due stories every M seconds (set in kitchen.toml)."""
    with plain_errors():
        newsroom = ctx().newsroom
        daemon = Daemon(newsroom, ctx().store, lambda line: console.print(f"{local_time(utcnow())} {line}"))
        console.print(f"kitchen run: {newsroom.root} — ingest every {newsroom.daemon.ingest_every_minutes} min, "
                      f"publish every {newsroom.daemon.publish_every_seconds} s; Ctrl-C stops")
        daemon.run(max_cycles=1 if once else None)


@app.command()
def status() -> None:
    """Stories by state, the ledger by state, failures and the next due time."""
    with plain_errors(), ctx().store.read() as conn:
        story_counts = count_by_state(conn)
        ledger_counts = ledger.count_by_state(conn)
        upcoming = ledger.next_due(conn)
        errors = count_ingest_errors(conn)
    console.print("stories: " + (", ".join(f"{state_label(s)} {n}" for s, n in sorted(story_counts.items())) or "none"))
    console.print("ledger: " + (", ".join(f"{s} {n}" for s, n in sorted(ledger_counts.items())) or "empty"))
    if upcoming:
        console.print(f"next due: {local_time(upcoming)}")
    console.print(f"ingest errors recorded: {errors}")
