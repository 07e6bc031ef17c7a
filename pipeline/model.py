"""Typed records shared by the stages: stations, slots, themes, sources, stories and ledger rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pipeline import words

LEVELS = ("center", "institute", "station", "point")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

STORY_STATES = ("draft", "in_review", "approved", "published", "rejected", "killed")

# Ledger row states. `pending` rows wait for their due time; `claimed` rows are leased by a worker.
PUBLICATION_STATES = ("pending", "claimed", "done", "failed", "cancelled")


@dataclass(frozen=True)
class PackageUnit:
    """A loudspeaker package's identity in the ledger: one township (or village) target, one slot,
    one day. Written as `broadcast:DATE:SLOT:TARGET` in the ledger's `unit` column; built and read
    only here."""

    day: date
    slot: str
    target: str

    PREFIX = "broadcast"

    def __str__(self) -> str:
        return f"{self.PREFIX}:{self.day.isoformat()}:{self.slot}:{self.target}"

    @classmethod
    def parse(cls, unit: str) -> PackageUnit:
        """The unit named by `unit`; ValueError when it is not a package unit."""
        parts = unit.split(":")
        if len(parts) != 4 or parts[0] != cls.PREFIX or not parts[2] or not parts[3]:
            raise ValueError(f"'{unit}' is not a broadcast unit ({cls.PREFIX}:DATE:SLOT:TARGET)")
        try:
            day = date.fromisoformat(parts[1])
        except ValueError:
            raise ValueError(f"'{unit}' is not a broadcast unit: '{parts[1]}' is not a date") from None
        return cls(day, parts[2], parts[3])


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    level: str
    parent: str | None
    township: str
    village: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Slot:
    name: str  # the id, in paths, units and URLs
    start: time
    minutes: int
    title: str = ""  # what people read (`早间`); see `label`

    @property
    def label(self) -> str:
        return words.slot_name(self.name, self.title)


@dataclass(frozen=True)
class Theme:
    id: str
    name: str


@dataclass(frozen=True)
class SourceConfig:
    id: str
    kind: str
    station: str | None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageRef:
    """An image attached to a report or revision, stored content-addressed in the media folder."""

    sha256: str
    ext: str
    caption: str = ""
    width: int = 0
    height: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "ext": self.ext,
            "caption": self.caption,
            "width": self.width,
            "height": self.height,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageRef:
        return cls(
            sha256=data["sha256"],
            ext=data["ext"],
            caption=data.get("caption", ""),
            width=int(data.get("width", 0)),
            height=int(data.get("height", 0)),
        )


@dataclass(frozen=True)
class StoryDraft:
    """The editable content of a story: what a revision holds."""

    title: str
    body_md: str
    station_id: str
    theme: str | None = None
    dateline: datetime | None = None
    author: str = ""
    summary: str = ""
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True)
class Revision:
    story_id: int
    number: int
    content: StoryDraft
    created_at: datetime
    created_by: str
    note: str = ""


@dataclass(frozen=True)
class Story:
    id: int
    state: str
    current_revision: int
    station_id: str
    theme: str | None
    report_id: int | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    slug: str | None = None


@dataclass(frozen=True)
class StorySnapshot:
    """A story with one of its revisions: the input of every renderer."""

    story: Story
    revision: Revision
    first_published_at: datetime | None = None
    corrections: tuple[Revision, ...] = ()
    first_title: str = ""  # the title of revision 1, which the story's web address is made from


@dataclass(frozen=True)
class Publication:
    id: int
    channel: str
    unit: str
    story_id: int | None
    revision: int | None
    action: str
    state: str
    due_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    lease_owner: str | None
    lease_until: datetime | None
    output_hash: str | None
    published_revision: int | None
    published_at: datetime | None
    receipt: dict[str, Any] | None
    last_error: str | None


@dataclass(frozen=True)
class Rendition:
    """One rendered output of a story revision, ready for a channel."""

    story_id: int
    revision: int
    kind: str
    content: bytes
    sha256: str
    media: tuple[ImageRef, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
