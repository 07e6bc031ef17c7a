"""The newsroom's database: apply migrations, show the revision it is at."""


from pipeline import words
from pipeline.cli.context import console, ctx, plain_errors
from pipeline.cli.helptext import Commands
from pipeline.store import Store, current_revision, head_revision, upgrade

group = Commands(help=words.help.DB, no_args_is_help=True)


@group.command("upgrade", help=words.help.DB_UPGRADE)
def db_upgrade() -> None:
    """Apply database migrations (also done automatically when a command opens the store)."""
    with plain_errors():
        store = Store(ctx().newsroom.database_url, migrate=False)
        before = current_revision(store.engine)
        upgrade(store.engine)
    console.print(words.cli.database_at(head_revision(), before))


@group.command("current", help=words.help.DB_CURRENT)
def db_current() -> None:
    """Show the database's migration revision."""
    with plain_errors():
        store = Store(ctx().newsroom.database_url, migrate=False)
        console.print(words.cli.database_current(current_revision(store.engine), head_revision()))
