"""Publishing what is due: claim ledger rows with a lease, deliver through the channel, mark done.

Exactly once: a row is delivered only by the worker holding its lease; the channel's delivery is
idempotent; the row is marked done only after the delivery, conditioned on the lease. A worker
killed anywhere leaves the row claimed; the next run frees dead local leases (or waits for the
lease to expire) and delivers again — the idempotent channel makes that second delivery a no-op.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from pipeline import ledger, words
from pipeline.faults import checkpoint
from pipeline.ingest import ingest_all
from pipeline.locks import Busy, holding
from pipeline.model import PackageUnit, Publication, Rendition
from pipeline.render import ensure_rendition, recipe_for
from pipeline.render.broadcast import BroadcastError, schedule_packages, stale_packages
from pipeline.render.renditions import kinds_for, render
from pipeline.settings import Newsroom, PublishSettings
from pipeline.store import Store
from pipeline.stories import SYSTEM, get_story, record_event
from pipeline.timeutil import utcnow
from pipeline.workflow import perform
from publishers import (
    Channel,
    ChannelError,
    PermanentError,
    Retraction,
    known_channels,
    open_channel,
)

BREAKER_THRESHOLD = 3  # consecutive transient failures before a channel is skipped for this pass


@dataclass
class PublishSummary:
    published: int = 0
    retracted: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    skipped: int = 0
    released_leases: int = 0
    flushed: dict[str, dict[str, Any]] = field(default_factory=dict)
    flush_errors: list[tuple[str, str]] = field(default_factory=list)
    scheduled_units: int = 0
    refreshed_packages: list[str] = field(default_factory=list)  # units rebuilt for stories published after
    pool_changed: bool = False  # a story joined or left a loudspeaker channel's pool in this pass

    @property
    def total(self) -> int:
        return self.published + self.retracted + self.retrying + self.failed + self.cancelled


def publish_due(newsroom: Newsroom, store: Store, now: datetime | None = None,
                wait_for_lock: float = 0, on_item: Callable[[Publication, str], None] | None = None,
                due_until: datetime | None = None) -> PublishSummary:
    """Publish every row that is due, holding the newsroom's publish lock (or raise Busy).

    `now` fixes the clock (tests); `due_until` publishes what is scheduled up to that time while
    leases, retries and records keep the real clock (`kitchen publish --now`)."""
    with holding(newsroom, "publish", wait_for_lock):
        summary = _publish_pass(newsroom, store, now, due_until, on_item)
        if summary.pool_changed:
            _refresh_packages(newsroom, store, now, on_item, summary)
        return summary


def _refresh_packages(newsroom: Newsroom, store: Store, now: datetime | None,
                      on_item: Callable[[Publication, str], None] | None, summary: PublishSummary) -> None:
    """Stories went out on (or were taken off) a loudspeaker channel after packages of slots still
    to air were built: those whose rundown changed are built again, through the ledger like any
    rebuild, so that what was approved in time is on air. A package whose rundown is unchanged is
    left alone; one a worker is building right now is built by that worker."""
    stamp = now or utcnow()
    try:
        with store.begin() as conn:
            units = stale_packages(conn, newsroom, stamp)
            rows = []
            for unit in units:
                for channel in newsroom.channels_of_kind("loudspeaker"):
                    try:
                        rows.append(ledger.redeliver_unit(conn, channel, str(unit), stamp))
                    except ledger.LedgerBusy:
                        continue
    except (BroadcastError, OSError) as exc:  # the packages stay as they are; said in the summary
        summary.flush_errors.append(("loudspeaker", str(exc)))
        return
    if not rows:
        return
    again = _publish_pass(newsroom, store, now, None, on_item, only={row.id for row in rows})
    summary.refreshed_packages += sorted({row.unit for row in rows})
    for name in ("published", "retrying", "failed", "cancelled", "skipped"):
        setattr(summary, name, getattr(summary, name) + getattr(again, name))
    summary.flush_errors += again.flush_errors
    summary.flushed.update(again.flushed)  # the site's last build, with the rebuilt packages


def rebuild_packages(newsroom: Newsroom, store: Store, units: Sequence[PackageUnit], now: datetime | None = None,
                     wait_for_lock: float = 0) -> list[Publication]:
    """Build loudspeaker packages now, as new deliveries through the ledger (an editor's rebuild,
    `kitchen broadcast build`): each unit's row on every loudspeaker-kind channel goes back to
    pending, due now, and a publish pass delivers those rows and no others. Returns the rows as the
    pass left them (done, cancelled when the air time has passed, failed, or waiting to retry).
    Raises Busy when another publish pass holds the lock, LedgerBusy when a worker is delivering
    one of the packages right now."""
    with holding(newsroom, "publish", wait_for_lock):
        stamp = now or utcnow()
        with store.begin() as conn:
            rows = [ledger.redeliver_unit(conn, channel, str(unit), stamp)
                    for unit in units for channel in newsroom.channels_of_kind("loudspeaker")]
        _publish_pass(newsroom, store, now, None, None, only={row.id for row in rows})
        with store.read() as conn:
            return [ledger.get_publication(conn, row.id) for row in rows]


def _publish_pass(newsroom: Newsroom, store: Store, fixed_now: datetime | None,
                  due_until: datetime | None,
                  on_item: Callable[[Publication, str], None] | None,
                  only: Collection[int] | None = None) -> PublishSummary:
    settings = newsroom.publish
    owner = ledger.new_lease_owner()
    summary = PublishSummary()
    channels: dict[str, Channel] = {}
    recipes: dict[str, str] = {}
    failures_in_a_row: dict[str, int] = {}

    def clock() -> datetime:
        return fixed_now or utcnow()

    with store.begin() as conn:
        summary.released_leases = ledger.release_dead_local_leases(conn, clock())
        try:  # the packages of the coming slots join the queue, due their lead time before air
            summary.scheduled_units = schedule_packages(conn, newsroom, clock())
        except BroadcastError as exc:
            summary.flush_errors.append(("loudspeaker", str(exc)))
        except OSError as exc:  # an unreadable notice folder must not stop the other channels
            summary.flush_errors.append(("loudspeaker", f"{type(exc).__name__}: {exc}"))
    for name in newsroom.publish.channels:  # work a crash left between a delivery and its flush
        kind = known_channels().get(newsroom.channel_kind(name))
        if kind is not None and kind.unfinished(newsroom):
            channels[name] = open_channel(newsroom, name)
    try:
        for _ in range(1_000_000):
            with store.begin() as conn:
                batch = ledger.claim_due(conn, owner, clock(), timedelta(seconds=settings.lease_seconds),
                                         settings.batch_size, due_until, only)
            checkpoint("schedule.claimed")
            if not batch:
                break
            for pub in batch:
                if failures_in_a_row.get(pub.channel, 0) >= BREAKER_THRESHOLD:
                    _defer(store, pub, owner, clock(), settings, summary)
                    continue
                outcome = _deliver(newsroom, store, pub, owner, clock, channels, recipes)
                failures_in_a_row[pub.channel] = (
                    failures_in_a_row.get(pub.channel, 0) + 1 if outcome == "retrying" else 0)
                if (pub.story_id is not None and outcome in ("published", "retracted")
                        and newsroom.channel_kind(pub.channel) == "loudspeaker"):
                    summary.pool_changed = True
                _count(summary, outcome)
                if on_item:
                    on_item(pub, outcome)
    finally:
        _open_unfinished(newsroom, channels, summary)
        for name, channel in channels.items():
            try:
                done = channel.flush()
            except Exception as exc:  # noqa: BLE001 — reported; the next pass tries again
                summary.flush_errors.append((name, f"{type(exc).__name__}: {exc}"))
            else:
                if done:
                    summary.flushed[name] = done
            channel.close()
    return summary


def _open_unfinished(newsroom: Newsroom, channels: dict[str, Channel], summary: PublishSummary) -> None:
    """Open the channels this pass's deliveries left work for without delivering on them: a
    package built (or rebuilt) on a loudspeaker channel is a new episode for the site, which is
    built at the end of the same pass."""
    for name in newsroom.publish.channels:
        kind = known_channels().get(newsroom.channel_kind(name))
        if name in channels or kind is None or not kind.unfinished(newsroom):
            continue
        try:
            channels[name] = open_channel(newsroom, name)
        except Exception as exc:  # noqa: BLE001 — reported; the next pass flushes it
            summary.flush_errors.append((name, f"{type(exc).__name__}: {exc}"))


def _count(summary: PublishSummary, outcome: str) -> None:
    if outcome in ("published", "retracted", "retrying", "failed", "cancelled", "skipped"):
        setattr(summary, outcome, getattr(summary, outcome) + 1)


def _defer(store: Store, pub: Publication, owner: str, now: datetime, settings: PublishSettings,
           summary: PublishSummary) -> None:
    """The channel keeps failing in this pass: hand the row back for later without trying it."""
    with store.begin() as conn:
        ledger.mark_retry(conn, pub.id, owner, pub.last_error or words.render.CHANNEL_FAILING,
                          now + ledger.backoff(1, settings.backoff_seconds, settings.backoff_cap_seconds), now)
    summary.skipped += 1


class _Cancelled(Exception):
    """The row is not to be delivered at all (the story is no longer approved, the air time passed)."""


def _deliver(newsroom: Newsroom, store: Store, pub: Publication, owner: str,
             clock: Callable[[], datetime], channels: dict[str, Channel], recipes: dict[str, str]) -> str:
    """Deliver one claimed row (a story's or a unit's, such as a broadcast package); returns the
    outcome name. Attempt, lease, delivery and mark-done run in this order, with the checkpoints
    the crash test kills at. `channels` and `recipes` are the pass's caches of opened channels and
    recipe hashes."""
    settings = newsroom.publish
    try:
        channel = channels.get(pub.channel) or open_channel(newsroom, pub.channel)
        channels[pub.channel] = channel
        rendition = _rendition(newsroom, store, pub, channel, clock(), recipes) if pub.action == "publish" else None
        with store.begin() as conn:
            if pub.attempts >= settings.max_attempts:
                # Each earlier attempt ended without an outcome: the publisher died delivering it.
                ledger.mark_failed(conn, pub.id, owner, words.render.gave_up(pub.attempts, words.render.PUBLISHER_STOPPED), clock())
                return "failed"
            if not ledger.start_attempt(conn, pub.id, owner, rendition.sha256 if rendition else None,
                                        clock(), timedelta(seconds=settings.lease_seconds)):
                return "lost"
        checkpoint("schedule.before_deliver")
        if rendition is not None:
            receipt = channel.publish(rendition)
        else:
            assert pub.story_id is not None  # only a story is retracted
            receipt = channel.retract(Retraction(pub.story_id, pub.unit, pub.receipt))
        checkpoint("schedule.delivered")
        with store.begin() as conn:
            if not ledger.mark_done(conn, pub, owner, receipt, clock()):
                return "lost"  # killed or corrected meanwhile: the row is queued again
            _record_delivery(conn, newsroom, pub, receipt, clock())
        checkpoint("schedule.done")
        return "published" if rendition is not None else "retracted"
    except _Cancelled as reason:
        with store.begin() as conn:
            ledger.mark_cancelled(conn, pub.id, owner, str(reason), clock())
        return "cancelled"
    except PermanentError as exc:
        with store.begin() as conn:
            ledger.mark_failed(conn, pub.id, owner, str(exc), clock())
        return "failed"
    except Exception as exc:  # noqa: BLE001 — transient, or unexpected: one bad row must not stop the pass
        message = str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"
        with store.begin() as conn:
            attempts = ledger.get_publication(conn, pub.id).attempts
            if attempts >= settings.max_attempts:
                ledger.mark_failed(conn, pub.id, owner, words.render.gave_up(attempts, message), clock())
                return "failed"
            delay = ledger.backoff(max(attempts, 1), settings.backoff_seconds, settings.backoff_cap_seconds)
            ledger.mark_retry(conn, pub.id, owner, message, clock() + delay, clock())
        return "retrying"


def _rendition(newsroom: Newsroom, store: Store, pub: Publication, channel: Channel, now: datetime,
               recipes: dict[str, str]) -> Rendition:
    """What the channel delivers for a row to publish: the story's rendition of the channel's
    `rendition_kind`, or for a unit of the channel's own the rendition the channel makes of it.
    Raises _Cancelled when the row must not go out."""
    if pub.story_id is None:
        if channel.expired(pub.unit, now):
            raise _Cancelled(words.render.AIR_TIME_PASSED)
        return channel.render_unit(pub.unit)
    kind = channel.rendition_kind
    if kind not in recipes:
        recipes[kind] = recipe_for(kind, newsroom)
    with store.begin() as conn:
        story = get_story(conn, pub.story_id)
        if story.state not in ("approved", "published"):
            raise _Cancelled(words.render.story_not_approved(story.state))
        assert pub.revision is not None
        return ensure_rendition(conn, newsroom, pub.story_id, pub.revision, kind, now, recipe=recipes[kind])


def _record_delivery(conn: Connection, newsroom: Newsroom, pub: Publication, receipt: dict[str, Any],
                     now: datetime) -> None:
    """The delivery in the events log; a story's first publication moves it to `published`."""
    if pub.story_id is None:
        record_event(conn, now, SYSTEM, "delivered", None, None, None, pub.unit,
                     {"channel": pub.channel, "unit": pub.unit, "receipt": receipt})
        return
    story = get_story(conn, pub.story_id)
    data: dict[str, Any] = {"channel": pub.channel, "revision": pub.revision, "receipt": receipt}
    if pub.action == "publish" and story.state == "approved":
        perform(conn, newsroom, story.id, "publish", SYSTEM, now, **data)
    else:
        action = "delivered" if pub.action == "publish" else "retracted"
        record_event(conn, now, SYSTEM, action, story.id, story.state, story.state, "", data)


class Daemon:
    """`kitchen run`: ingest every N minutes and publish due rows every M seconds until stopped."""

    def __init__(self, newsroom: Newsroom, store: Store, log: Callable[[str], None]):
        self.newsroom = newsroom
        self.store = store
        self.log = log
        self.stopping = False
        self.said: set[str] = set()  # notes about the whole run (a site name the cards cut): said once

    def stop(self, *_: object) -> None:
        self.stopping = True

    def run(self, max_cycles: int | None = None) -> None:
        with holding(self.newsroom, "daemon"):
            self._loop(max_cycles)

    def _render(self, clips: bool) -> None:
        try:
            summary = render(self.newsroom, self.store, utcnow(), kinds_for(self.newsroom, clips=clips), wait_for_lock=1)
        except Busy as exc:
            self.log(words.render.render_skipped(exc))
            return
        if summary.made or summary.failed:
            self.log(words.render.render_summary(len(summary.made), len(summary.failed)))
        for note in summary.notes:
            if note not in self.said:
                self.said.add(note)
                self.log(note)
        for story_id, kind, reason in summary.failed:
            self.log(words.render.render_failed(story_id, kind, reason))

    def _loop(self, max_cycles: int | None) -> None:
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        settings = self.newsroom.daemon
        next_ingest = next_publish = next_clips = 0.0
        cycles = 0
        try:
            while not self.stopping:
                now = time.monotonic()
                if now >= next_ingest:
                    next_ingest = now + settings.ingest_every_minutes * 60
                    try:
                        summary = ingest_all(self.newsroom, self.store, wait_for_lock=5)
                    except Busy as exc:
                        self.log(words.ingest.ingest_skipped(str(exc)))
                    else:
                        self.log(words.ingest.ingest_done(summary.describe()))
                        for label, detail in summary.problems():
                            self.log(words.ingest.ingest_done(f"{label} {detail}"))
                if now >= next_publish:
                    next_publish = now + settings.publish_every_seconds
                    # cards before a pass (quick: covers go out with the stories); clips after an
                    # ingest, since they take seconds each and the site picks them up when made
                    self._render(clips=now >= next_clips)
                    if now >= next_clips:
                        next_clips = now + settings.ingest_every_minutes * 60
                    try:
                        result = publish_due(self.newsroom, self.store, wait_for_lock=5)
                    except Busy as exc:
                        self.log(words.render.publish_skipped(exc))
                    else:
                        if result.total or result.released_leases:
                            self.log(describe(result))
                cycles += 1
                if max_cycles is not None and cycles >= max_cycles:
                    break
                deadline = min(next_ingest, next_publish)
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def describe(summary: PublishSummary) -> str:
    """A publish pass in one line, for editors: `发布：发布3条，撤下0条，…`."""
    parts = words.render.publish_summary(summary.published, summary.retracted, summary.retrying, summary.failed,
                                  summary.cancelled, summary.skipped, summary.released_leases,
                                  len(summary.refreshed_packages))
    for name, done in summary.flushed.items():
        if "build" in done:
            parts.append(words.render.site_built(name, done["build"], done["written"]))
        for story_id, reason in done.get("left_out", {}).items():
            parts.append(words.render.left_out_of_site(name, story_id, reason))
    for name, error in summary.flush_errors:
        parts.append(words.render.flush_failed(name, error))
    return words.render.publish_line(parts)
