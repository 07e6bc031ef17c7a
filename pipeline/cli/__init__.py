"""The `kitchen` command. Thin: it parses arguments, calls the stage functions, and prints.

Each noun has its module here (newsroom, render, ingest, stories, publish, web, db, broadcast,
tts, users, desk); this module puts their commands together under one root with the options
every command shares."""

import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from typing import Annotated

import typer

try:  # typer 0.2x carries its own copy of click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # pragma: no cover — older typer runs on click itself
    from click.exceptions import ClickException, UsageError  # type: ignore[assignment]

from pipeline import words
from pipeline.cli import (
    broadcast,
    db,
    desk,
    helptext,
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
from pipeline.cli.helptext import Commands
from pipeline.workflow import ROLES

# Help is plain Chinese text from words.help (see `helptext.Commands`): with rich markup on,
# `[loudspeaker.slots]` and `[publish] channels` in an option's help would be taken for markup.
app = Commands(help=words.help.APP, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _version() -> str:
    try:
        return installed_version("central-kitchen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _print_version(value: bool) -> None:
    if value:
        console.print(words.cli.version(_version()))
        raise typer.Exit()


@app.callback()
def main_options(
    newsroom_dir: Annotated[str | None, typer.Option("--newsroom", "-n", envvar="KITCHEN_NEWSROOM",
                                                     help=words.help.NEWSROOM)] = None,
    user: Annotated[str | None, typer.Option("--user", envvar="KITCHEN_USER",
                                             help=words.help.USER)] = None,
    role: Annotated[str, typer.Option("--role", envvar="KITCHEN_ROLE",
                                      help=words.help.ROLE)] = "admin",
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help=words.help.VERSION)] = False,
) -> None:
    if role not in ROLES:
        say(words.cli.ERROR, "red", words.cli.role_unknown(role, list(ROLES)), err)
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
    """`kitchen`: click's own refusals (a missing argument, an unknown option) are said in Chinese,
    so the command runs with click's standalone mode off and its exit codes are kept."""
    try:
        code = app(standalone_mode=False, prog_name="kitchen")
    except UsageError as exc:
        helptext.show_usage_error(exc)
        sys.exit(exc.exit_code)
    except ClickException as exc:
        typer.echo(f"{words.help.ERROR}{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo(words.help.ABORTED, err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)
