"""Renderers: pure functions from a story snapshot to bytes, registered by rendition kind.

Renditions are deterministic (same revision + same recipe → same bytes) and stored in the
`renditions` table, so re-publishing after a crash sends identical output, and a rendition is
rendered again only when the revision or the recipe changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from pipeline import store as t
from pipeline.model import ImageRef, Rendition, StorySnapshot
from pipeline.settings import Newsroom
from pipeline.stories import snapshot


@dataclass(frozen=True)
class Renderer:
    kind: str
    render: Callable[[StorySnapshot, Newsroom], Rendition]
    recipe: Callable[[Newsroom], str]
    """Everything besides the revision that shapes the output; its hash keys stored renditions."""


def _registry() -> dict[str, Renderer]:
    from pipeline.render import broadcast, ninjs
    from pipeline.render.site import article

    return {renderer.kind: renderer for renderer in (ninjs.RENDERER, article.ARTICLE, article.FEED_ITEM,
                                                      broadcast.SpokenRenderer)}


def renderer_for(kind: str) -> Renderer:
    renderers = _registry()
    if kind not in renderers:
        raise LookupError(f"no renderer for '{kind}'")
    return renderers[kind]


def recipe_for(kind: str, newsroom: Newsroom) -> str:
    return recipe_hash(renderer_for(kind), newsroom)


def recipe_hash(renderer: Renderer, newsroom: Newsroom) -> str:
    return hashlib.sha256(renderer.recipe(newsroom).encode()).hexdigest()


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
