"""The `kitchen` command. Thin: it parses arguments, calls the stage functions, and prints.

Each noun has its module here (newsroom, render, ingest, stories, publish, web, db, broadcast,
tts, users, desk); this module puts their commands together under one root with the options
every command shares."""

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
from pipeline.cli.context import STATE, Context
from pipeline.workflow import ROLES

app = typer.Typer(
    help="Central Kitchen (中央厨房): collect once, render many, publish everywhere.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    newsroom_dir: Annotated[str | None, typer.Option("--newsroom", "-n", envvar="KITCHEN_NEWSROOM",
                                                     help="Newsroom folder (default: the current folder or a parent).")] = None,
    user: Annotated[str | None, typer.Option("--user", envvar="KITCHEN_USER",
                                             help="Name recorded in the audit trail (default: your login).")] = None,
    role: Annotated[str, typer.Option("--role", envvar="KITCHEN_ROLE",
                                      help=f"Role to act with: {'|'.join(ROLES)}. The command line trusts the shell user; "
                                      "lower it to work as an editor.")] = "admin",
) -> None:
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}", param_hint="--role")
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
