"""What is live: the stories each channel carries according to the ledger, and their addresses.

The ledger is the only truth about what went out. The site, the feeds, the broadcasts and the
renditions all ask this module which revision of which story is live, so none of them needs the
others to know it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from pipeline import store as t
from pipeline.model import Revision
from pipeline.settings import Newsroom
from pipeline.stories import revision_from_row


@functools.lru_cache(maxsize=4096)
def slugify(text: str, limit: int = 60) -> str:
    """Hanyu pinyin words joined by hyphens: `东村开展板凳课堂` → `dong-cun-kai-zhan-ban-deng-ke-tang`."""
    from pypinyin import lazy_pinyin

    words = []
    # characters without a reading (Latin letters, digits) come back as they are, as one word;
    # pypinyin accepts a list from the callback although its annotations say str
    for word in lazy_pinyin(text, errors=lambda chars: [chars]):  # type: ignore[arg-type,return-value]
        cleaned = re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
        if cleaned:
            words.append(cleaned)
    slug = ""
    for word in words:  # whole syllables only
        if len(slug) + len(word) + 1 > limit and slug:
            break
        slug = f"{slug}-{word}" if slug else word[:limit]
    return slug or "story"


@dataclass(frozen=True)
class LiveStory:
    id: int
    revision: Revision
    created_at: datetime
    slug: str
    corrections: tuple[Revision, ...]
    month: str  # YYYY/MM of created_at in the newsroom's timezone: the address's folder
    published_at: datetime | None = None  # when the story first went out on any channel

    @functools.cached_property
    def path(self) -> str:
        return f"/{self.month}/{self.id}-{self.slug}/"

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.revision.content.dateline or self.created_at, self.id)


def live_story(story_id: int, revision: Revision, history: list[Revision], created_at: datetime,
               slug: str | None, published_at: datetime | None, tz: tzinfo) -> LiveStory:
    """A story as the site shows it; the address words come from the title it is first published
    with (stored then), not the title it was ingested with."""
    corrections = tuple(rev for rev in history if rev.note and 1 < rev.number <= revision.number)
    local = created_at.astimezone(tz)
    return LiveStory(story_id, revision, created_at, slug or slugify(revision.content.title), corrections,
                     f"{local.year:04d}/{local.month:02d}", published_at)


def live_on(conn: Connection, channels: dict[str, dict[int, int | None]], tz: tzinfo) -> dict[str, list[LiveStory]]:
    """Stories live on each channel according to the ledger (the revision that went out), with
    the channel's overrides applied (story id → revision being published, or None when being
    taken down), newest first; each story's revisions are read once for all channels."""
    p, s, r = t.publications, t.stories, t.revisions
    wanted: dict[str, dict[int, int]] = {channel: {} for channel in channels}
    for row in conn.execute(select(p.c.channel, p.c.story_id, p.c.published_revision).where(
            p.c.channel.in_(list(channels)), p.c.action == "publish", p.c.published_revision.is_not(None),
            p.c.story_id.is_not(None))):
        wanted[row.channel][row.story_id] = row.published_revision
    for channel, overrides in channels.items():
        for story_id, revision in overrides.items():
            if revision is None:
                wanted[channel].pop(story_id, None)
            else:
                wanted[channel][story_id] = revision
    ids = sorted({story_id for live in wanted.values() for story_id in live})
    stories: dict[int, Any] = {}
    revisions: dict[int, list[Revision]] = {}
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk:chunk + 5000]
        stories.update((row.id, row) for row in conn.execute(
            select(s.c.id, s.c.created_at, s.c.slug, s.c.published_at).where(s.c.id.in_(part))))
        for row in conn.execute(select(r).where(r.c.story_id.in_(part)).order_by(r.c.story_id, r.c.number)):
            revisions.setdefault(row.story_id, []).append(revision_from_row(row))
    made: dict[tuple[int, int], LiveStory] = {}
    result: dict[str, list[LiveStory]] = {}
    for channel, live in wanted.items():
        stories_on = []
        for story_id, number in live.items():
            if (story_id, number) not in made:
                story, history = stories.get(story_id), revisions.get(story_id, [])
                chosen = next((rev for rev in history if rev.number == number), None)
                if story is None or chosen is None:
                    continue
                made[(story_id, number)] = live_story(story_id, chosen, history, story.created_at, story.slug,
                                                      story.published_at, tz)
            stories_on.append(made[(story_id, number)])
        result[channel] = sorted(stories_on, key=lambda story: story.sort_key, reverse=True)
    return result


def site_build_marker(newsroom: Newsroom) -> Path:
    """The flag that says the site lags the ledger: set when a delivery (or a new cover or clip of a
    live story) changes what the site shows, cleared by the build that catches up."""
    newsroom.runtime_dir.mkdir(parents=True, exist_ok=True)
    return newsroom.runtime_dir / "site-needs-build"


def mark_site_stale(newsroom: Newsroom) -> None:
    site_build_marker(newsroom).touch()


def merge_live(lists: list[list[LiveStory]]) -> list[LiveStory]:
    """One list of what several channels of one kind carry: each story once, at the newest
    revision any of them delivered, newest first."""
    if len(lists) == 1:
        return lists[0]
    chosen: dict[int, LiveStory] = {}
    for stories in lists:
        for story in stories:
            if story.id not in chosen or story.revision.number > chosen[story.id].revision.number:
                chosen[story.id] = story
    return sorted(chosen.values(), key=lambda story: story.sort_key, reverse=True)


def assign_slug(conn: Connection, story_id: int, title: str) -> str:
    """Fix a story's address words the first time it goes on the site, from the title it goes out
    with (an editor may have changed the ingested one, and should not find it in the address)."""
    row = conn.execute(select(t.stories.c.slug).where(t.stories.c.id == story_id)).one()
    if row.slug:
        return row.slug
    slug = slugify(title)
    conn.execute(t.stories.update().where(t.stories.c.id == story_id).values(slug=slug))
    return slug
