"""The newsroom as a whole: create it, check it, run the demo, run the daemon, see its status."""

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from pipeline import ledger, words
from pipeline.cli.context import console, ctx, err, local_time, plain_errors, say, state_label
from pipeline.cli.helptext import Commands
from pipeline.demo import print_demo_report, run_demo
from pipeline.render.renditions import name_problems, recipe_problems
from pipeline.scaffold import PLACEHOLDER_BASE_URL, init_newsroom, placeholder_url
from pipeline.schedule import Daemon
from pipeline.settings import Newsroom
from pipeline.stories import count_by_state, count_ingest_errors
from pipeline.timeutil import utcnow
from publishers import open_channel

app = Commands()


@app.command(help=words.help.INIT)
def init(
    directory: Annotated[Path, typer.Argument(help=words.help.INIT_DIRECTORY)],
    title: Annotated[str, typer.Option(help=words.help.INIT_TITLE)] = "县融媒体中心 · 新时代文明实践",
    base_url: Annotated[str, typer.Option(help=words.help.INIT_BASE_URL)]
    = PLACEHOLDER_BASE_URL,
    timezone: Annotated[str, typer.Option(help=words.help.INIT_TIMEZONE)] = "Asia/Shanghai",
) -> None:
    """Create a newsroom folder: kitchen.toml, stations.csv, templates/, inbox/, broadcast/, recordings/."""
    with plain_errors():
        result = init_newsroom(directory, title=title, base_url=base_url, timezone=timezone)
    say(words.cli.DONE, "green", words.cli.created(result.root))
    for name in result.kept:
        console.print(words.cli.kept_file(name))
    if placeholder_url(base_url):
        say(words.cli.NOTE, "yellow", words.cli.placeholder_base_url(base_url))
    console.print(words.cli.next_steps())


@app.command(help=words.help.CHECK)
def check() -> None:
    """Validate kitchen.toml and stations.csv, open the database, and check that every channel
    has what it needs to run (secrets, folders); say what is wrong, if anything."""
    with plain_errors():
        newsroom = ctx().newsroom
        ctx().store  # noqa: B018 — opening it checks the database URL and applies migrations
        problems = [words.cli.channel_not_ready(channel_label(newsroom, name), problem)
                    for name in newsroom.publish.channels for problem in open_channel(newsroom, name).preflight()]
        problems += [words.cli.render_not_ready(problem) for problem in recipe_problems(newsroom)]
        if placeholder_url(newsroom.site.base_url):
            problems.append(words.cli.placeholder_base_url(newsroom.site.base_url))
    for problem in problems:
        say(words.cli.NOT_READY, "red", problem, err)
    # The podcast (loudspeaker audio on the site) names an owner's address only when one is given.
    if newsroom.channels_of_kind("loudspeaker") and newsroom.channels_of_kind("web") and not newsroom.site.email:
        say(words.cli.NOTE, "yellow", words.cli.podcast_email_missing(), err)
    with contextlib.suppress(OSError):  # no font to measure with: recipe_problems says so
        for note in name_problems(newsroom):  # a site name the cards cut: a short name would fit
            say(words.cli.NOTE, "yellow", note, err)
    if problems:
        raise typer.Exit(1)
    levels: dict[str, int] = {}
    for station in newsroom.stations.values():
        levels[station.level] = levels.get(station.level, 0) + 1
    say(words.cli.DONE, "green", words.cli.check_ok(
        newsroom.root, len(newsroom.stations), [(words.name_of(words.LEVELS, lvl), n) for lvl, n in levels.items()],
        len(newsroom.sources), "、".join(channel_label(newsroom, name) for name in newsroom.publish.channels)))


def channel_label(newsroom: Newsroom, name: str) -> str:
    """A channel as the command line names it: `web（网站）`."""
    return f"{name}（{words.channel_name(name, newsroom.channel_kind(name))}）"


@app.command(help=words.help.DEMO)
def demo(
    directory: Annotated[Path, typer.Option("--dir", help=words.help.DEMO_DIR)] = Path("demo-newsroom"),
    quick: Annotated[bool, typer.Option("--quick", help=words.help.DEMO_QUICK)] = False,
) -> None:
    """Build the demo newsroom (a fictional county) and run the whole pipeline on it."""
    with plain_errors():
        result = run_demo(directory, quick=quick)
    print_demo_report(result, console)


@app.command(help=words.help.RUN)
def run(
    once: Annotated[bool, typer.Option("--once", help=words.help.RUN_ONCE)] = False,
) -> None:
    """The daemon: ingest every N minutes and publish due stories every M seconds (set in kitchen.toml)."""
    with plain_errors():
        newsroom = ctx().newsroom
        daemon = Daemon(newsroom, ctx().store, lambda line: console.print(f"{local_time(utcnow())} {line}"))
        console.print(words.cli.daemon_started(newsroom.root, newsroom.daemon.ingest_every_minutes,
                                               newsroom.daemon.publish_every_seconds))
        daemon.run(max_cycles=1 if once else None)


@app.command(help=words.help.STATUS)
def status() -> None:
    """Stories by state, the ledger by state, failures and the next due time."""
    with plain_errors(), ctx().store.read() as conn:
        story_counts = count_by_state(conn)
        ledger_counts = ledger.count_by_state(conn)
        upcoming = ledger.next_due(conn)
        errors = count_ingest_errors(conn)
    console.print(words.cli.status_stories([(state_label(s), n) for s, n in sorted(story_counts.items())]))
    console.print(words.cli.status_ledger([(words.name_of(words.PUBLICATION_STATES, s), n)
                                           for s, n in sorted(ledger_counts.items())]))
    if upcoming:
        console.print(words.cli.status_next_due(local_time(upcoming)))
    console.print(words.cli.status_errors(errors))
