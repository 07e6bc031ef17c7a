"""Desk users: a name, a role from the workflow's table (editor < chief < admin), an argon2
password hash, and their sessions, kept in the store so that they can be ended. Failed logins are
recorded in the store, whatever process serves the desk: past a few, a name (or an address) waits
a little longer before each next check, never long enough to keep its owner out."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from pipeline import store as t
from pipeline import words
from pipeline.store import Store
from pipeline.workflow import ROLES

HASHER = PasswordHasher()
FREE_FAILURES_PER_NAME = 5  # failures in the window before a name waits between checks
FREE_FAILURES_PER_ADDRESS = 20  # the same for the address the attempts come from
LONGEST_WAIT = 60  # seconds: the most any name or address waits, so nobody can lock another out
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 8
SESSION_LIFETIME = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=1)  # how often a session's last-seen time is written


class UserError(ValueError):
    """A user that cannot be added or changed as asked."""


class LoginDelayed(Exception):
    """Too many recent failures for this name or address: no check until `seconds` have passed."""

    def __init__(self, seconds: int):
        super().__init__(words.desk.login_wait(seconds))
        self.seconds = seconds


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    disabled: bool


def add_user(conn: Connection, name: str, role: str, password: str, now: datetime) -> User:
    name = name.strip()
    if not name or len(name) > 64:
        raise UserError(words.desk.user_name_length(64))
    _check_role(role)
    _check_password(password)
    if conn.execute(select(t.users.c.id).where(t.users.c.name == name)).first() is not None:
        raise UserError(words.desk.user_exists(name))
    conn.execute(insert(t.users).values(name=name, role=role, password_hash=HASHER.hash(password), created_at=now))
    return get_user(conn, name)  # type: ignore[return-value]


def set_password(conn: Connection, name: str, password: str) -> None:
    """A new password; every session of the user ends."""
    _check_password(password)
    _change(conn, name, password_hash=HASHER.hash(password))


def set_role(conn: Connection, name: str, role: str) -> None:
    """A new role; every session of the user ends (the next login works with the new role)."""
    _check_role(role)
    _change(conn, name, role=role)


def set_disabled(conn: Connection, name: str, disabled: bool) -> None:
    """Disable a user (every session ends, no login works) or enable one again."""
    _change(conn, name, disabled=disabled)


def _change(conn: Connection, name: str, **values: object) -> None:
    user = get_user(conn, name)
    if user is None:
        raise UserError(words.desk.no_user(name))
    conn.execute(update(t.users).where(t.users.c.id == user.id).values(**values))
    conn.execute(delete(t.sessions).where(t.sessions.c.user_id == user.id))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(words.desk.role_invalid(role, list(ROLES)))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(words.desk.password_too_short(MIN_PASSWORD))


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(t.users).where(t.users.c.name == name)).first()
    return User(row.id, row.name, row.role, row.disabled) if row else None


def list_users(conn: Connection) -> list[User]:
    return [User(r.id, r.name, r.role, r.disabled) for r in conn.execute(select(t.users).order_by(t.users.c.name))]


def wait_after(failures: int, free: int) -> int:
    """Seconds to wait after the last of `failures` recent failures: none for the first `free`,
    then doubling from one second up to LONGEST_WAIT."""
    return 0 if failures < free else min(2 ** (failures - free), LONGEST_WAIT)


def login_wait(conn: Connection, name: str, address: str, now: datetime) -> int:
    """Seconds before a password for `name` from `address` is checked at all (0: check now)."""
    f = t.login_failures
    since = now - WINDOW
    waits = [0]
    for column, value, free in ((f.c.name, name[:64], FREE_FAILURES_PER_NAME),
                                (f.c.address, address[:64], FREE_FAILURES_PER_ADDRESS)):
        recent = (column == value) & (f.c.at > since)
        count = conn.execute(select(func.count()).where(recent)).scalar_one()
        wait = wait_after(count, free)
        if wait:
            last = conn.execute(select(f.c.at).where(recent).order_by(f.c.at.desc()).limit(1)).scalar_one()
            waits.append(math.ceil((last + timedelta(seconds=wait) - now).total_seconds()))
    return max(waits)


def authenticate(store: Store, name: str, password: str, address: str, now: datetime) -> User | None:
    """The user, if the password is right and the account enabled; a failure is recorded.
    Raises LoginDelayed while the name or address must wait. The slow hash check runs outside any
    write transaction (a login flood must not hold up the newsroom's writes); unknown names cost
    the same hashing time as known ones. The attempt is recorded as a failure before its check, in
    the short transaction that finds it need not wait, so attempts arriving together see it: a
    burst gets one check per wait, not one per request. A right password clears it."""
    f = t.login_failures
    with store.begin() as conn:
        wait = login_wait(conn, name, address, now)
        if not wait:
            conn.execute(delete(f).where(f.c.at <= now - WINDOW))
            conn.execute(insert(f).values(name=name[:64], address=address[:64], at=now))
        row = conn.execute(select(t.users).where(t.users.c.name == name)).first()
    if wait:
        raise LoginDelayed(wait)
    try:
        ok = HASHER.verify(row.password_hash if row else _dummy_hash(), password) and row is not None and not row.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        return None  # the failure recorded before the check stands
    rehashed = HASHER.hash(password) if HASHER.check_needs_rehash(row.password_hash) else None
    with store.begin() as conn:
        conn.execute(delete(f).where(f.c.name == name[:64]))
        if rehashed is not None:
            conn.execute(update(t.users).where(t.users.c.id == row.id, t.users.c.password_hash == row.password_hash)
                         .values(password_hash=rehashed))
    return User(row.id, row.name, row.role, row.disabled)


def start_session(conn: Connection, user: User, now: datetime) -> str:
    """A new session for `user`: the random token its cookie carries (the store keeps its hash)."""
    token = secrets.token_urlsafe(32)
    conn.execute(insert(t.sessions).values(id=_session_key(token), user_id=user.id, created_at=now, last_seen_at=now))
    return token


def session_user(store: Store, token: str, now: datetime) -> User | None:
    """The enabled user whose live session `token` is; None when it ended, expired or never was.
    The last-seen time is written at most once a minute, so reading pages stays a read."""
    s, u = t.sessions, t.users
    with store.read() as conn:
        row = conn.execute(select(u.c.id, u.c.name, u.c.role, u.c.disabled, s.c.created_at, s.c.last_seen_at)
                           .join(s, s.c.user_id == u.c.id).where(s.c.id == _session_key(token))).first()
    if row is None or row.disabled or row.created_at <= now - SESSION_LIFETIME:
        return None
    if row.last_seen_at <= now - SEEN_EVERY:
        with store.begin() as conn:
            conn.execute(update(s).where(s.c.id == _session_key(token)).values(last_seen_at=now))
    return User(row.id, row.name, row.role, row.disabled)


def end_session(conn: Connection, token: str, now: datetime) -> None:
    """Log out: the session ends (and sessions expired by `now` go with it)."""
    s = t.sessions
    conn.execute(delete(s).where((s.c.id == _session_key(token)) | (s.c.created_at <= now - SESSION_LIFETIME)))


def _session_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so a wrong name costs what a wrong
    password does; made on first use (argon2 takes a good part of a second)."""
    return HASHER.hash("not a password anyone has")
