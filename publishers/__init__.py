"""Channels: one module per channel, all behind one small interface, found by module discovery.

A channel module names its classes in `CHANNELS` (the registry pattern of `pipeline.registry`):
each has its `kind`, the `rendition_kind` it publishes, `check_options(options)` for its
`[channels.<name>]` table, and `publish` / `retract`.
Adding a channel kind is adding a module here; the scheduler does not change. A newsroom may run
several channels of one kind (`[channels.province] kind = "export"`), each with its own options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from pipeline import words
from pipeline.model import Rendition
from pipeline.registry import Kind, discover
from pipeline.settings import Newsroom
from pipeline.store import Store


class ChannelError(Exception):
    """A delivery did not happen."""


class TransientError(ChannelError):
    """Worth retrying later: timeouts, connection errors, 5xx, 429."""


class PermanentError(ChannelError):
    """Retrying will not help until someone fixes something: bad configuration, 4xx."""


@dataclass(frozen=True)
class Retraction:
    """What a channel needs to take a story down."""

    story_id: int
    unit: str
    last_receipt: dict[str, Any] | None


class Channel(Kind):
    """A kind of channel; an instance is one configured channel (`name`) of that kind."""

    rendition_kind: ClassVar[str]

    def __init__(self, newsroom: Newsroom, options: dict[str, Any], name: str | None = None):
        self.newsroom = newsroom
        self.options = options
        self.name = name or self.kind

    def publish(self, rendition: Rendition) -> dict[str, Any]:
        """Deliver the rendition; return a receipt. Must be idempotent: after a crash the same
        rendition may be delivered again, and the result must be as if it was delivered once."""
        raise NotImplementedError

    def retract(self, retraction: Retraction) -> dict[str, Any]:
        """Take the story down; idempotent like publish."""
        raise NotImplementedError

    def preflight(self) -> list[str]:
        """What stops this channel from delivering in this environment (missing secrets, …);
        `kitchen check` prints it before a publish run finds out the hard way."""
        return []

    @classmethod
    def unfinished(cls, newsroom: Newsroom) -> bool:
        """Whether deliveries already recorded still wait for `flush` (a crash came in between)."""
        return False

    def render_unit(self, unit: str) -> Rendition:
        """The rendition of a row that is not a story (a broadcast package); channels that have
        such rows implement it."""
        raise PermanentError(words.render.channel_has_no_units(self.name, unit))

    def expired(self, unit: str, now: datetime) -> bool:
        """Whether a row of the channel's own is too late to deliver (a package after its air
        time): the scheduler cancels it instead."""
        return False

    def flush(self) -> dict[str, Any] | None:
        """Finish what this pass delivered (a channel may do its work once per pass, not per row);
        called at the end of every publish pass, and at the start of one when `unfinished`."""
        return None

    def recover(self) -> None:
        """Clean up after a delivery a crash interrupted (called once per publish pass, under the
        publish lock, before the first delivery)."""

    def close(self) -> None:
        """Release connections."""


class ReadsTheStore:
    """For channels that read the store while delivering (the site, the broadcasts): a connection
    pool opened on first use and closed with the channel."""

    newsroom: Newsroom
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.newsroom.database_url, migrate=False)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@cache
def known_channels() -> dict[str, type[Channel]]:
    """The channel kinds, one class each, found in this package's modules."""
    return discover(__name__, "CHANNELS", Channel)


def open_channel(newsroom: Newsroom, name: str) -> Channel:
    """The configured channel `name` (an instance of its kind, with its options)."""
    if name not in newsroom.publish.channels:
        raise PermanentError(words.render.channel_not_enabled(name))
    options = dict(newsroom.channel_options.get(name, {}))
    options.pop("kind", None)
    kind = newsroom.channel_kind(name)
    kinds = known_channels()
    if kind not in kinds:
        raise PermanentError(words.render.channel_unknown_kind(name, kind))
    channel = kinds[kind](newsroom, options, name=name)
    channel.recover()
    return channel
