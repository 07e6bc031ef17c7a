"""The desk's users: add them, set their passwords and roles, disable or enable them, list them."""

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy import Connection

from pipeline import words
from pipeline.cli.context import console, ctx, plain_errors, say
from pipeline.cli.helptext import Commands
from pipeline.desk.users import add_user, list_users, set_disabled, set_password, set_role
from pipeline.timeutil import utcnow

group = Commands(help=words.help.USERS, no_args_is_help=True)

T = TypeVar("T")


def _with_password(from_stdin: bool, change: Callable[[Connection, str], T]) -> T:
    """Ask for a password (twice) or read it from stdin, and apply `change(conn, password)`."""
    with plain_errors():
        password = _password(from_stdin)
    return _apply(lambda conn: change(conn, password))


def _apply(change: Callable[[Connection], T]) -> T:
    """Apply `change(conn)` in one transaction; an unknown name or a refused value (UserError) is a clear error."""
    with plain_errors(), ctx().store.begin() as conn:
        return change(conn)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(words.cli.PASSWORD_PROMPT)
    if getpass.getpass(words.cli.PASSWORD_AGAIN) != first:
        raise ValueError(words.cli.passwords_differ())
    return first


@group.command("add", help=words.help.USERS_ADD)
def users_add(
    name: Annotated[str, typer.Argument(help=words.help.LOGIN_NAME)],
    role: Annotated[str, typer.Option("--role", help=words.help.USER_ROLE)] = "editor",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help=words.help.PASSWORD_STDIN)] = False,
) -> None:
    """Add a desk user (the password is asked for, or read from stdin)."""
    user = _with_password(password_stdin, lambda conn, password: add_user(conn, name, role, password, utcnow()))
    say(words.cli.DONE, "green", words.cli.user_added(user.name, _role(user.role)))


@group.command("password", help=words.help.USERS_PASSWORD)
def users_password(
    name: Annotated[str, typer.Argument(help=words.help.LOGIN_NAME)],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help=words.help.PASSWORD_STDIN)] = False,
) -> None:
    """Set a desk user's password (the user's sessions end)."""
    _with_password(password_stdin, lambda conn, password: set_password(conn, name, password))
    say(words.cli.DONE, "green", words.cli.password_changed(name))


@group.command("role", help=words.help.USERS_ROLE)
def users_role(
    name: Annotated[str, typer.Argument(help=words.help.LOGIN_NAME)],
    role: Annotated[str, typer.Argument(help=words.help.USER_ROLE)],
) -> None:
    """Set a desk user's role (the user's sessions end: the next login has the new role)."""
    _apply(lambda conn: set_role(conn, name, role))
    say(words.cli.DONE, "green", words.cli.role_changed(name, _role(role)))


@group.command("disable", help=words.help.USERS_DISABLE)
def users_disable(name: Annotated[str, typer.Argument(help=words.help.LOGIN_NAME)]) -> None:
    """Disable a desk user: the user's sessions end at once and no login works until enabled."""
    _apply(lambda conn: set_disabled(conn, name, True))
    say(words.cli.DONE, "green", words.cli.user_disabled(name))


@group.command("enable", help=words.help.USERS_ENABLE)
def users_enable(name: Annotated[str, typer.Argument(help=words.help.LOGIN_NAME)]) -> None:
    """Enable a disabled desk user again."""
    _apply(lambda conn: set_disabled(conn, name, False))
    say(words.cli.DONE, "green", words.cli.user_enabled(name))


@group.command("list", help=words.help.USERS_LIST)
def users_list() -> None:
    """The desk's users and their roles."""
    with plain_errors(), ctx().store.read() as conn:
        users = list_users(conn)
    for user in users:
        console.print(f"{user.name}\t{user.role}\t{words.name_of(words.ROLES, user.role)}"
                      f"{chr(9) + words.cli.DISABLED if user.disabled else ''}")
    if not users:
        console.print(words.cli.no_users())


def _role(role: str) -> str:
    """A role as the command line names it: `chief（值班主任）`."""
    return words.desk.role_with_name(role)
