"""The `kitchen` command. Thin: it parses arguments, calls the stage functions, and prints.

Each noun has its module here (newsroom, render, ingest, stories, publish, web, db, broadcast,
tts, users, desk); this module puts their commands together under one root with the options
every command shares."""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from typing import Annotated

import typer

from pipeline.cli import (
    broadcast,
    db,
    desk,
    ingest,
    newsroom,
    publish,
    render,
    stories,
    tts,
    users,
    web,
)
from pipeline.cli.context import STATE, Context, console, err, say
from pipeline.words import cli as cli_words
from pipeline.workflow import ROLES

# Help is plain text: with rich markup on, `[loudspeaker.slots]` and `[publish] channels` in an
# option's help would be taken for markup and vanish. The setting reaches every sub-command.
app = typer.Typer(
    help="Central Kitchen (中央厨房): collect once, render many, publish everywhere.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version() -> str:
    try:
        return installed_version("central-kitchen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _print_version(value: bool) -> None:
    if value:
        console.print(cli_words.version(_version()))
        raise typer.Exit()


@app.callback()
def main_options(
    newsroom_dir: Annotated[str | None, typer.Option("--newsroom", "-n", envvar="KITCHEN_NEWSROOM",
                                                     help="Newsroom folder (default: the current folder or a parent).")] = None,
    user: Annotated[str | None, typer.Option("--user", envvar="KITCHEN_USER",
                                             help="Name recorded in the audit trail (default: your login).")] = None,
    role: Annotated[str, typer.Option("--role", envvar="KITCHEN_ROLE",
                                      help=f"Role to act with: {'|'.join(ROLES)}. The command line trusts the shell user; "
                                      "lower it to work as an editor.")] = "admin",
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    if role not in ROLES:
        say(cli_words.ERROR, "red", cli_words.role_unknown(role, list(ROLES)), err)
        raise typer.Exit(2)
    STATE["ctx"] = Context(newsroom_dir, user, role)


# The order here is the order of `kitchen --help`: the newsroom's stages first, then the groups.
for commands in (newsroom.app, render.app, ingest.app, stories.app, publish.app, web.app, desk.app):
    app.add_typer(commands)
app.add_typer(db.group, name="db")
app.add_typer(web.group, name="web")
app.add_typer(broadcast.group, name="broadcast")
app.add_typer(users.group, name="users")
app.add_typer(tts.group, name="tts")


def main() -> None:
    app()
