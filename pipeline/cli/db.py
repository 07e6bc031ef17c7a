"""The newsroom's database: apply migrations, show the revision it is at."""

import typer

from pipeline.cli.context import console, ctx, plain_errors
from pipeline.store import Store, current_revision, head_revision, upgrade

group = typer.Typer(help="The newsroom's database.", no_args_is_help=True)


@group.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done automatically when a command opens the store)."""
    with plain_errors():
        store = Store(ctx().newsroom.database_url, migrate=False)
        before = current_revision(store.engine)
        upgrade(store.engine)
    console.print(f"database at {head_revision()} (was {before or 'empty'})")


@group.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    with plain_errors():
        store = Store(ctx().newsroom.database_url, migrate=False)
        console.print(f"database at {current_revision(store.engine) or 'empty'}; code expects {head_revision()}")
