"""Renderers: from a story snapshot to a rendition, one class per rendition kind.

Renderers form a registry (`RENDERERS` in this package's modules and subpackages, see
`pipeline.registry`). Renditions are deterministic (same revision + same recipe → same bytes) and
stored in the `renditions` table, so re-publishing after a crash sends identical output, and a
rendition is rendered again only when the revision or the recipe changes: `recipe_hash` is the one
key of every stored rendition, story documents and media files alike.

This module imports none of its submodules at load time: they import `Renderer` from here, and
`renderers()` finds them when first asked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Connection, delete, insert, select

from pipeline import store as t
from pipeline.model import ImageRef, Rendition, StorySnapshot
from pipeline.registry import Kind, discover
from pipeline.settings import Newsroom
from pipeline.stories import snapshot

if TYPE_CHECKING:
    from pipeline.render.cards import CardData


class Renderer(Kind):
    """A kind of rendition of a story revision; an instance renders it."""

    def recipe(self, newsroom: Newsroom) -> str:
        """Everything besides the revision that shapes the output; its hash keys stored renditions."""
        raise NotImplementedError

    def render(self, snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
        """The rendition of one story revision, as bytes kept in the renditions table."""
        raise NotImplementedError

    @property
    def rendition_kind(self) -> str:
        """The kind stored renditions of this renderer carry."""
        return self.kind


MediaFiles = dict[str, tuple[Path | bytes, str]]
"""A media rendition's files: role ("main", "poster", …) → (file or bytes, extension)."""


class MediaRenderer(Renderer):
    """A renderer of media files (cards, clips) drawn from a named recipe file (`templates/cards/`,
    `templates/clips/`): one instance per recipe, its renditions of kind `<kind>-<recipe>`
    ("card-cover", "clip-vertical"). The files are made in worker processes (`run`), from the
    inputs the parent gathered into a `Job`."""

    encodes: ClassVar[bool] = False
    """An encoder that shares the cores with the other workers and reports its progress."""

    def __init__(self, name: str):
        self.name = name

    @property
    def rendition_kind(self) -> str:
        return f"{self.kind}-{self.name}"

    def job_inputs(self, snap: StorySnapshot, newsroom: Newsroom) -> dict[str, Any]:
        """What a job needs of the story besides the card data and the photos."""
        return {}

    def run(self, job: Job) -> tuple[MediaFiles, dict[str, Any]]:
        """In a worker: make the files of one job; returns them with their meta."""
        raise NotImplementedError


@dataclass(frozen=True)
class Job:
    """One media rendition to make, with every input a worker needs (the store stays with the parent)."""

    story_id: int
    revision: int
    renderer: MediaRenderer
    recipe: str  # its hash
    data: CardData
    photos: tuple[tuple[str, str], ...]  # (path, caption)
    root: str  # the newsroom folder (recipes may be overridden there)
    font: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.renderer.rendition_kind


@cache
def renderers() -> dict[str, type[Renderer]]:
    """The renderer classes by kind, found in this package's modules and subpackages."""
    return discover(__name__, "RENDERERS", Renderer)


def renderer_for(kind: str) -> Renderer:
    """The renderer of a stored rendition kind: "ninjs", or "card-cover" (the card renderer with
    the recipe `cover`)."""
    known = renderers()
    family, _, name = kind.partition("-")
    if kind in known and not issubclass(known[kind], MediaRenderer):
        return known[kind]()
    media = known.get(family)
    if name and media is not None and issubclass(media, MediaRenderer):
        return media(name)
    raise LookupError(f"no renderer for '{kind}'")


def recipe_hash(renderer: Renderer, newsroom: Newsroom) -> str:
    return hashlib.sha256(renderer.recipe(newsroom).encode()).hexdigest()


def recipe_for(kind: str, newsroom: Newsroom) -> str:
    return recipe_hash(renderer_for(kind), newsroom)


def ensure_rendition(conn: Connection, newsroom: Newsroom, story_id: int, revision: int,
                     kind: str, now: datetime, recipe: str | None = None) -> Rendition:
    """The stored rendition of (story, revision, kind), rendered and stored first when missing
    or made with another recipe. A caller rendering many stories passes the recipe hash it
    computed once (see `recipe_for`)."""
    renderer = renderer_for(kind)
    recipe = recipe or recipe_hash(renderer, newsroom)
    r = t.renditions
    row = conn.execute(select(r).where(r.c.story_id == story_id, r.c.revision == revision,
                                       r.c.kind == kind)).first()
    if row is not None and row.recipe_hash == recipe and row.content is not None:
        media = tuple(ImageRef.from_dict(d) for d in row.meta.get("media", []))
        return Rendition(story_id=story_id, revision=revision, kind=kind, content=row.content,
                         sha256=row.sha256, media=media, meta=row.meta)
    rendition = renderer.render(snapshot(conn, story_id, revision), newsroom)
    if row is not None:
        conn.execute(delete(r).where(r.c.id == row.id))
    conn.execute(insert(r).values(
        story_id=story_id, revision=revision, kind=kind, recipe_hash=recipe,
        content=rendition.content, path=None, sha256=rendition.sha256,
        meta={**rendition.meta, "media": [m.as_dict() for m in rendition.media]}, created_at=now))
    return rendition
