"""The publication ledger: one row per (channel, unit) — the truth of what went out where.

A unit is `story:<id>` for per-story channels (a package unit, e.g. a loudspeaker package, can use
its own key). Rows are claimed with a lease inside a transaction, so two workers never deliver the
same row at once, and a worker that died (SIGKILL) leaves a lease that expires and is claimed again.
Every state change of a claimed row is conditioned on the claimant's lease token.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from pipeline import store as t
from pipeline import words
from pipeline.model import Publication
from pipeline.words import PUBLICATION_STATES, channel_list, channel_name, name_of

P = t.publications


class LedgerBusy(Exception):
    """A row is being delivered right now; the change must wait for the delivery to finish."""


def story_unit(story_id: int) -> str:
    return f"story:{story_id}"


def new_lease_owner() -> str:
    """host:pid:random — the pid lets a later run on the same host see that the claimant died."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _publication(row: Any) -> Publication:
    return Publication(
        id=row.id, channel=row.channel, unit=row.unit, story_id=row.story_id, revision=row.revision,
        action=row.action, state=row.state, due_at=row.due_at, attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, lease_owner=row.lease_owner,
        lease_until=row.lease_until, output_hash=row.output_hash,
        published_revision=row.published_revision, published_at=row.published_at,
        receipt=row.receipt, last_error=row.last_error,
    )


def _reset(now: datetime, due_at: datetime, action: str = "publish") -> dict[str, Any]:
    """Values that put a row back in the queue, dropping any lease (a claimant's later update fails)."""
    return {"action": action, "state": "pending", "due_at": due_at, "attempts": 0,
            "next_attempt_at": None, "lease_owner": None, "lease_until": None,
            "last_error": None, "updated_at": now}


def schedule_story(conn: Connection, story_id: int, revision: int, channels: list[str],
                   due_at: datetime, now: datetime) -> None:
    """Create (or re-arm) the story's row for each channel, due at `due_at`."""
    unit = story_unit(story_id)
    for channel in channels:
        existing = conn.execute(select(P.c.id, P.c.state).where(
            P.c.channel == channel, P.c.unit == unit)).first()
        if existing is None:
            conn.execute(insert(P).values(
                channel=channel, unit=unit, story_id=story_id, revision=revision, created_at=now,
                **_reset(now, due_at),
            ))
        else:
            if existing.state == "claimed":
                raise LedgerBusy(words.common.story_being_delivered(story_id, channel_name(channel)))
            conn.execute(update(P).where(P.c.id == existing.id).values(revision=revision,
                                                                        **_reset(now, due_at)))


def schedule_unit(conn: Connection, channel: str, unit: str, due_at: datetime, now: datetime) -> int:
    """A row for a unit that is not a story (a broadcast package), unless it exists; returns 1 if added."""
    if conn.execute(select(P.c.id).where(P.c.channel == channel, P.c.unit == unit)).first() is not None:
        return 0
    conn.execute(insert(P).values(channel=channel, unit=unit, story_id=None, revision=None, created_at=now,
                                  **_reset(now, due_at)))
    return 1


def cancel_pending(conn: Connection, story_id: int, now: datetime) -> list[str]:
    """Withdraw a story's scheduled rows that have not gone out. Refused while a row is claimed by
    a live process (a delivery is running); rows left claimed by a dead one are freed first."""
    release_dead_local_leases(conn, now)
    busy = [row.channel for row in conn.execute(select(P.c.channel).where(
        P.c.story_id == story_id, P.c.state == "claimed"))]
    if busy:
        raise LedgerBusy(words.common.story_being_delivered(story_id, channel_list(busy)))
    rows = conn.execute(select(P.c.id, P.c.channel).where(
        P.c.story_id == story_id, P.c.state.in_(("pending", "failed")),
        P.c.published_revision.is_(None))).all()
    cancelled = []
    for row in rows:
        conn.execute(update(P).where(P.c.id == row.id).values(
            state="cancelled", lease_owner=None, lease_until=None, updated_at=now))
        cancelled.append(row.channel)
    return cancelled


def retract_story(conn: Connection, story_id: int, now: datetime) -> tuple[list[str], list[str]]:
    """Kill: rows that carried (or may be carrying) the story are queued for retraction now;
    rows that never went out are cancelled. Returns (retracting channels, cancelled channels)."""
    retracting, cancelled = [], []
    for row in conn.execute(select(P).where(P.c.story_id == story_id)).all():
        carried = row.published_revision is not None or row.state == "claimed"
        if carried:
            conn.execute(update(P).where(P.c.id == row.id).values(**_reset(now, now, "retract")))
            retracting.append(row.channel)
        elif row.state != "cancelled":
            conn.execute(update(P).where(P.c.id == row.id).values(
                state="cancelled", lease_owner=None, lease_until=None, updated_at=now))
            cancelled.append(row.channel)
    return retracting, cancelled


def republish_story(conn: Connection, story_id: int, revision: int, now: datetime) -> list[str]:
    """Correction: every channel that carried the story gets the new revision now; channels still
    waiting for their time publish the new revision when it comes. Returns the re-publishing channels."""
    channels = []
    for row in conn.execute(select(P).where(P.c.story_id == story_id)).all():
        if row.state == "cancelled" or row.action == "retract":
            continue
        if row.published_revision is not None or row.state == "claimed":
            conn.execute(update(P).where(P.c.id == row.id).values(revision=revision,
                                                                  **_reset(now, now)))
            channels.append(row.channel)
        else:
            conn.execute(update(P).where(P.c.id == row.id).values(revision=revision, updated_at=now))
    return channels


def _due_condition(now: datetime, due_until: datetime | None = None) -> Any:
    """Rows to work on at `now`: scheduled up to `due_until` (default: now) and past their retry
    backoff, or claimed by a worker whose lease ran out."""
    waiting = and_(P.c.state == "pending", P.c.due_at <= (due_until or now),
                   or_(P.c.next_attempt_at.is_(None), P.c.next_attempt_at <= now))
    abandoned = and_(P.c.state == "claimed", P.c.lease_until < now)
    return or_(waiting, abandoned)


def due_rows(conn: Connection, now: datetime, limit: int | None = None) -> list[Publication]:
    query = select(P).where(_due_condition(now)).order_by(P.c.due_at, P.c.id)
    if limit:
        query = query.limit(limit)
    return [_publication(row) for row in conn.execute(query)]


def next_due(conn: Connection) -> datetime | None:
    """When the next waiting row becomes due (its schedule or its retry time, whichever is later)."""
    rows = conn.execute(select(P.c.due_at, P.c.next_attempt_at).where(P.c.state == "pending")).all()
    return min((max(r.due_at, r.next_attempt_at or r.due_at) for r in rows), default=None)


def claim_due(conn: Connection, owner: str, now: datetime, lease: timedelta,
              limit: int, due_until: datetime | None = None, only: Collection[int] | None = None) -> list[Publication]:
    """Lease up to `limit` due rows to `owner` (only the rows whose ids are in `only`, when given).
    The due condition is repeated in the UPDATE so a row another worker claimed between the SELECT
    and the UPDATE is not taken twice."""
    due = _due_condition(now, due_until)
    if only is not None:
        due = and_(due, P.c.id.in_(sorted(only)))
    candidates = select(P.c.id).where(due).order_by(P.c.due_at, P.c.id).limit(limit)
    ids = [row.id for row in conn.execute(candidates)]
    if not ids:
        return []
    conn.execute(update(P).where(P.c.id.in_(ids), due).values(
        state="claimed", lease_owner=owner, lease_until=now + lease, updated_at=now))
    rows = conn.execute(select(P).where(P.c.id.in_(ids), P.c.lease_owner == owner)
                        .order_by(P.c.due_at, P.c.id))
    return [_publication(row) for row in rows]


def release_dead_local_leases(conn: Connection, now: datetime) -> int:
    """Free rows leased by processes on this host that no longer exist (killed mid-delivery),
    so a restart carries on at once instead of waiting for the lease to run out."""
    host = socket.gethostname()
    released = 0
    owners = conn.execute(select(P.c.lease_owner).where(P.c.state == "claimed").distinct())
    for (owner,) in owners.all():
        parts = (owner or "").split(":")
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        if _pid_alive(int(parts[1])):
            continue
        result = conn.execute(update(P).where(P.c.state == "claimed", P.c.lease_owner == owner)
                              .values(state="pending", lease_owner=None, lease_until=None,
                                      updated_at=now))
        released += result.rowcount or 0
    return released


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claimed_by(pub_id: int, owner: str) -> Any:
    return and_(P.c.id == pub_id, P.c.state == "claimed", P.c.lease_owner == owner)


def start_attempt(conn: Connection, pub_id: int, owner: str, output_hash: str | None,
                  now: datetime, lease: timedelta) -> bool:
    """Count the attempt before the side effect, so a row that keeps crashing its worker fails,
    and renew the lease so the delivery has a whole lease however long the batch took so far.
    False when the lease was lost (it ran out and another worker took the row)."""
    result = conn.execute(update(P).where(_claimed_by(pub_id, owner)).values(
        attempts=P.c.attempts + 1, output_hash=output_hash, lease_until=now + lease, updated_at=now))
    return bool(result.rowcount)


def mark_done(conn: Connection, pub: Publication, owner: str, receipt: dict[str, Any],
              now: datetime) -> bool:
    """Record a finished delivery; False when the row changed meanwhile (killed, corrected)."""
    values: dict[str, Any] = {"state": "done", "lease_owner": None, "lease_until": None,
                              "next_attempt_at": None, "receipt": receipt, "last_error": None,
                              "updated_at": now}
    if pub.action == "publish":
        values.update(published_revision=pub.revision, published_at=now)
    result = conn.execute(update(P).where(_claimed_by(pub.id, owner)).values(**values))
    return bool(result.rowcount)


def mark_retry(conn: Connection, pub_id: int, owner: str, error: str, next_attempt_at: datetime,
               now: datetime) -> bool:
    result = conn.execute(update(P).where(_claimed_by(pub_id, owner)).values(
        state="pending", lease_owner=None, lease_until=None, next_attempt_at=next_attempt_at,
        last_error=error, updated_at=now))
    return bool(result.rowcount)


def mark_failed(conn: Connection, pub_id: int, owner: str, error: str, now: datetime) -> bool:
    result = conn.execute(update(P).where(_claimed_by(pub_id, owner)).values(
        state="failed", lease_owner=None, lease_until=None, next_attempt_at=None,
        last_error=error, updated_at=now))
    return bool(result.rowcount)


def fail_delivered(conn: Connection, story_ids: Collection[int], channels: tuple[str, ...], reason: str,
                   now: datetime) -> list[int]:
    """Put the stories' delivered publish rows on `channels` back to failed with `reason` (their
    output did not go out after all: a site build left them out): no longer live, so later builds
    leave them out until they are retried. The ids of the rows changed."""
    where = and_(P.c.story_id.in_(list(story_ids)), P.c.channel.in_(channels), P.c.action == "publish",
                 P.c.state == "done")
    ids = list(conn.execute(select(P.c.id).where(where)).scalars())
    if ids:
        conn.execute(update(P).where(P.c.id.in_(ids)).values(
            state="failed", last_error=reason, published_revision=None, published_at=None, updated_at=now))
    return ids


def mark_cancelled(conn: Connection, pub_id: int, owner: str, reason: str, now: datetime) -> bool:
    result = conn.execute(update(P).where(_claimed_by(pub_id, owner)).values(
        state="cancelled", lease_owner=None, lease_until=None, last_error=reason, updated_at=now))
    return bool(result.rowcount)


def retry_failed(conn: Connection, pub_id: int, now: datetime) -> Publication:
    row = conn.execute(select(P).where(P.c.id == pub_id)).first()
    if row is None:
        raise LookupError(words.common.publication_missing(pub_id))
    if row.state != "failed":
        raise ValueError(words.common.publication_not_failed(pub_id, name_of(PUBLICATION_STATES, row.state)))
    conn.execute(update(P).where(P.c.id == pub_id).values(
        state="pending", attempts=0, next_attempt_at=None, due_at=min(row.due_at, now), updated_at=now))
    return _publication(conn.execute(select(P).where(P.c.id == pub_id)).one())


def get_publication(conn: Connection, pub_id: int) -> Publication:
    row = conn.execute(select(P).where(P.c.id == pub_id)).first()
    if row is None:
        raise LookupError(words.common.publication_missing(pub_id))
    return _publication(row)


def list_publications(conn: Connection, state: str | None = None, story_id: int | None = None,
                      channel: str | None = None) -> list[Publication]:
    query = select(P).order_by(P.c.due_at, P.c.id)
    if state:
        query = query.where(P.c.state == state)
    if story_id is not None:
        query = query.where(P.c.story_id == story_id)
    if channel:
        query = query.where(P.c.channel == channel)
    return [_publication(row) for row in conn.execute(query)]


def backoff(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """Capped exponential backoff: base, 2×base, 4×base … never more than the cap."""
    exponent = max(0, min(attempts - 1, 30))
    return timedelta(seconds=min(cap_seconds, base_seconds * (2 ** exponent)))


def unit_row(conn: Connection, channel: str, unit: str) -> Publication | None:
    """The ledger row of a unit that is not a story (a broadcast package) on one channel."""
    row = conn.execute(select(P).where(P.c.channel == channel, P.c.unit == unit)).first()
    return _publication(row) if row is not None else None


def first_went_out(conn: Connection, channels: tuple[str, ...]) -> dict[int, datetime]:
    """When each story went out on `channels` (its publish rows' delivery times)."""
    return dict(conn.execute(select(P.c.story_id, P.c.published_at).where(
        P.c.channel.in_(channels), P.c.action == "publish", P.c.published_at.is_not(None))).all())


def carries_any(conn: Connection, story_ids: Collection[int], channels: tuple[str, ...]) -> bool:
    """Whether any of the stories went out on any of the channels."""
    return conn.execute(select(P.c.id).where(P.c.story_id.in_(sorted(story_ids)), P.c.channel.in_(channels),
                                             P.c.published_revision.is_not(None)).limit(1)).first() is not None


def delivered_units(conn: Connection, channels: tuple[str, ...]) -> list[Publication]:
    """The rows of units that are not stories (broadcast packages) on `channels` whose delivery
    finished: what went out, for those who list it (the podcast lists these packages only)."""
    query = select(P).where(P.c.channel.in_(channels), P.c.story_id.is_(None), P.c.action == "publish",
                            P.c.state == "done").order_by(P.c.id)
    return [_publication(row) for row in conn.execute(query)]


def channels_in_ledger(conn: Connection) -> list[str]:
    """Every channel the ledger has rows for, enabled in kitchen.toml or not (a site built while
    the web channel is switched off still shows what that channel delivered)."""
    return [row.channel for row in conn.execute(select(P.c.channel).distinct().order_by(P.c.channel))]


def redeliver_unit(conn: Connection, channel: str, unit: str, now: datetime) -> Publication:
    """Ask for a new delivery of a unit that is not a story (an editor rebuilding a broadcast
    package): its row goes back to pending, due now, and is created when missing — one row per
    (channel, unit) as always. A row a live worker holds is not touched (LedgerBusy): its delivery
    finishes first. Rows left claimed by dead local workers are freed, and the update is
    conditioned on the row still being free, so a worker that claims it meanwhile keeps it."""
    release_dead_local_leases(conn, now)
    row = conn.execute(select(P.c.id).where(P.c.channel == channel, P.c.unit == unit)).first()
    if row is None:
        conn.execute(insert(P).values(channel=channel, unit=unit, story_id=None, revision=None, created_at=now,
                                      **_reset(now, now)))
    else:
        free = or_(P.c.state != "claimed", P.c.lease_until < now)
        if not conn.execute(update(P).where(P.c.id == row.id, free).values(**_reset(now, now))).rowcount:
            raise LedgerBusy(words.common.unit_being_delivered(unit, channel_name(channel)))
    return _publication(conn.execute(select(P).where(P.c.channel == channel, P.c.unit == unit)).one())


def count_by_state(conn: Connection) -> dict[str, int]:
    """How many ledger rows are in each state (pending, done, failed …)."""
    rows = conn.execute(select(P.c.state, func.count()).group_by(P.c.state))
    return {state: count for state, count in rows}
