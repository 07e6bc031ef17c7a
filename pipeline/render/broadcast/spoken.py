"""A story's spoken form, the one place it is made: the "spoken" rendition of a story revision
(what the loudspeaker reads of it in full and as a brief, with the reading times at the newsroom's
rate). The rundown reads the stored rendition, so what the editor previews is what airs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from pipeline import store as t
from pipeline.model import Rendition, StorySnapshot
from pipeline.render import Renderer, ensure_rendition, recipe_for
from pipeline.render.broadcast.options import settings_for
from pipeline.render.speech import reading_seconds, spoken_diff, to_spoken
from pipeline.settings import Newsroom
from pipeline.stories import snapshot
from pipeline.text import html_to_plain, markdown_to_html, summarize

# 2: the rendition carries the written text and the brief's spoken form, which the rundown reads
SPOKEN_VERSION = "spoken-2"
BRIEF_SUMMARY_CHARS = 80  # a brief reads the summary, or this much of the story when it has none


@dataclass(frozen=True)
class SpokenText:
    """A text as written, as read aloud, and how long reading it takes."""

    written: str
    spoken: str
    seconds: float


def spoken_text(written: str, chars_per_minute: int = 200) -> SpokenText:
    """`written` in spoken form (numbers, dates, phone numbers as words), with its reading time."""
    spoken = to_spoken(written)
    return SpokenText(written, spoken, reading_seconds(spoken, chars_per_minute))


@dataclass(frozen=True)
class SpokenStory:
    """What the loudspeaker reads of a story revision: in full (title and text) and as a brief
    (title and summary)."""

    story_id: int
    revision: int
    full: SpokenText
    brief: SpokenText

    @classmethod
    def from_rendition(cls, content: bytes) -> SpokenStory:
        data = json.loads(content)
        brief = data["brief"]
        return cls(data["story"], data["revision"], SpokenText(data["written"], data["spoken"], data["seconds"]),
                   SpokenText(brief["written"], brief["spoken"], brief["seconds"]))


def render_spoken(snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
    """The "spoken" rendition: JSON with the full text as written and spoken, its reading seconds
    at the newsroom's rate, what was rewritten for speech, and the brief's written and spoken form."""
    rate = settings_for(newsroom).chars_per_minute
    content = snap.revision.content
    body = html_to_plain(markdown_to_html(content.body_md))
    full = spoken_text(f"{content.title}。{body}", rate)
    brief = spoken_text(f"简讯：{content.title}。{content.summary or summarize(body, BRIEF_SUMMARY_CHARS)}", rate)
    seconds = round(full.seconds, 1)
    data: dict[str, Any] = {
        "story": snap.story.id, "revision": snap.revision.number,
        "written": full.written, "spoken": full.spoken, "seconds": seconds,
        "rewritten": [list(pair) for pair in spoken_diff(full.written)],
        "brief": {"written": brief.written, "spoken": brief.spoken, "seconds": round(brief.seconds, 1)}}
    encoded = (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    return Rendition(story_id=snap.story.id, revision=snap.revision.number, kind=SpokenRenderer.kind,
                     content=encoded, sha256=hashlib.sha256(encoded).hexdigest(), meta={"seconds": seconds})


class SpokenRenderer(Renderer):
    """The loudspeaker channel's per-story rendition. Its recipe holds the reading rate, so a new
    rate renders every story again."""

    kind = "spoken"

    def recipe(self, newsroom: Newsroom) -> str:
        return f"{SPOKEN_VERSION}|{settings_for(newsroom).chars_per_minute}"

    def render(self, snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
        return render_spoken(snap, newsroom)


def spoken_stories(conn: Connection, newsroom: Newsroom, revisions: Iterable[tuple[int, int]],
                   now: datetime | None = None) -> dict[tuple[int, int], SpokenStory]:
    """The spoken form of each (story, revision), from its stored rendition.

    With `now`, `conn` may write: a rendition missing or made with another recipe is rendered and
    stored (`ensure_rendition`). Without it (a read-only connection), such a rendition is rendered
    by the same renderer and not stored; the next publish pass stores it."""
    wanted = sorted(set(revisions))
    recipe = recipe_for(SpokenRenderer.kind, newsroom)
    if now is not None:
        return {(story, revision): SpokenStory.from_rendition(
            ensure_rendition(conn, newsroom, story, revision, SpokenRenderer.kind, now, recipe=recipe).content)
            for story, revision in wanted}
    ids = sorted({story for story, _ in wanted})
    r = t.renditions
    stored: dict[tuple[int, int], bytes] = {}
    for chunk in range(0, len(ids), 5000):
        for row in conn.execute(select(r.c.story_id, r.c.revision, r.c.content).where(
                r.c.story_id.in_(ids[chunk:chunk + 5000]), r.c.kind == SpokenRenderer.kind, r.c.recipe_hash == recipe,
                r.c.content.is_not(None))):
            stored[(row.story_id, row.revision)] = row.content
    return {(story, revision): SpokenStory.from_rendition(
        stored.get((story, revision)) or render_spoken(snapshot(conn, story, revision), newsroom).content)
        for story, revision in wanted}
