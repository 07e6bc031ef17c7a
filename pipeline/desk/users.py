"""Desk users: a name, a role from the workflow's table (editor < chief < admin), and an argon2
password hash. Failed logins are recorded in the store; too many in a window lock the name (and
the address they came from) out for a while, whatever process serves the desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from pipeline import store as t
from pipeline.workflow import ROLES

HASHER = PasswordHasher()
MAX_FAILURES = 5  # failed attempts per name, or per address, within the window
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 8


class UserError(ValueError):
    """A user that cannot be added or changed as asked."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    disabled: bool


def add_user(conn: Connection, name: str, role: str, password: str, now: datetime) -> User:
    name = name.strip()
    if not name or len(name) > 64:
        raise UserError("a user name is 1 to 64 characters")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not '{role}'")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    if conn.execute(select(t.users.c.id).where(t.users.c.name == name)).first() is not None:
        raise UserError(f"user '{name}' exists; use `kitchen users password {name}` to change the password")
    conn.execute(insert(t.users).values(name=name, role=role, password_hash=HASHER.hash(password), created_at=now))
    return get_user(conn, name)  # type: ignore[return-value]


def set_password(conn: Connection, name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    if conn.execute(update(t.users).where(t.users.c.name == name).values(password_hash=HASHER.hash(password))).rowcount == 0:
        raise UserError(f"no user '{name}'")


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(t.users).where(t.users.c.name == name)).first()
    return User(row.id, row.name, row.role, row.disabled) if row else None


def list_users(conn: Connection) -> list[User]:
    return [User(r.id, r.name, r.role, r.disabled) for r in conn.execute(select(t.users).order_by(t.users.c.name))]


def locked_out(conn: Connection, name: str, address: str, now: datetime) -> bool:
    f = t.login_failures
    since = now - WINDOW
    by_name = conn.execute(select(func.count()).where(f.c.name == name, f.c.at > since)).scalar_one()
    by_address = conn.execute(select(func.count()).where(f.c.address == address, f.c.at > since)).scalar_one()
    return by_name >= MAX_FAILURES or by_address >= MAX_FAILURES * 4


def authenticate(conn: Connection, name: str, password: str, address: str, now: datetime) -> User | None:
    """The user, if the password is right and the name is not locked out; a failure is recorded.
    Unknown names cost the same hashing time as known ones."""
    if locked_out(conn, name, address, now):
        return None
    row = conn.execute(select(t.users).where(t.users.c.name == name)).first()
    try:
        ok = HASHER.verify(row.password_hash if row else _dummy_hash(), password) and row is not None and not row.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        conn.execute(insert(t.login_failures).values(name=name[:64], address=address[:64], at=now))
        return None
    conn.execute(delete(t.login_failures).where(t.login_failures.c.name == name))
    if HASHER.check_needs_rehash(row.password_hash):
        conn.execute(update(t.users).where(t.users.c.id == row.id).values(password_hash=HASHER.hash(password)))
    return User(row.id, row.name, row.role, row.disabled)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so a wrong name costs what a wrong
    password does; made on first use (argon2 takes a good part of a second)."""
    return HASHER.hash("not a password anyone has")
