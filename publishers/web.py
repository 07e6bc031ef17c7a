"""The `web` channel: the static news site.

The site is a function of the ledger: every story whose `web` row went out, at the revision that
went out. Delivering a row marks the site as needing a build; at the end of the publish pass one
build writes every page that changed (the rest linked from the previous build) and switches the
live site to it atomically; a story whose page or feed entry fails there is left out (an event
on the story says why, and its web and rss rows go back to failed, so later builds leave it out
until it is retried) and the rest goes live. A crash between a row being marked done and the build leaves the mark,
and the next publish run builds first — the same tree, since builds are deterministic."""

from __future__ import annotations

from typing import Any

from pipeline import words
from pipeline.ledger import fail_delivered
from pipeline.live import assign_slug, mark_site_stale, site_build_marker
from pipeline.model import Rendition
from pipeline.render.site import build_site
from pipeline.settings import Newsroom
from pipeline.stories import SYSTEM, get_revision, get_story, record_event
from pipeline.templating import template_problems
from pipeline.text import control_characters
from pipeline.timeutil import utcnow
from publishers import Channel, PermanentError, ReadsTheStore, Retraction


class SiteChannel(ReadsTheStore, Channel):
    """Shared by `web` (pages) and `rss` (feeds): both are outputs of one site build."""

    kind = "web"
    rendition_kind = "article"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        return [(key, words.site.unknown_setting()) for key in options]

    def preflight(self) -> list[str]:
        return template_problems(self.newsroom.root, "web")

    @classmethod
    def unfinished(cls, newsroom: Newsroom) -> bool:
        return site_build_marker(newsroom).exists()

    def publish(self, rendition: Rendition) -> dict[str, Any]:
        """Refuses (PermanentError) a revision stored before every door cleaned text, when it
        carries control characters: the row fails with the reason instead of going out."""
        with self.store.begin() as conn:
            content = get_revision(conn, rendition.story_id, rendition.revision).content
            found = control_characters(content)
            if found:
                raise PermanentError(words.site.control_characters(rendition.story_id, rendition.revision, found))
            assign_slug(conn, rendition.story_id, rendition.meta.get("title", ""))
        mark_site_stale(self.newsroom)
        return {"path": rendition.meta.get("path"), "sha256": rendition.sha256}

    def retract(self, retraction: Retraction) -> dict[str, Any]:
        mark_site_stale(self.newsroom)
        return {"retracted": retraction.story_id}

    def flush(self) -> dict[str, Any] | None:
        """Build the site once for everything this pass delivered (web and rss share the build)."""
        marker = site_build_marker(self.newsroom)
        if not marker.exists():
            return None
        with self.store.read() as conn:
            result = build_site(self.newsroom, conn)
        marker.unlink(missing_ok=True)
        if result.left_out:
            channels = self.newsroom.channels_of_kind("web") + self.newsroom.channels_of_kind("rss")
            with self.store.begin() as conn:
                now = utcnow()
                for story_id, reason in result.left_out.items():
                    fail_delivered(conn, [story_id], channels, words.site.left_out_of_build(result.build, reason), now)
                    state = get_story(conn, story_id).state
                    record_event(conn, now, SYSTEM, "left-out-of-site", story_id, state, state, reason,
                                 {"build": result.build})
        return {"build": result.build, "written": len(result.written), "removed": len(result.removed),
                "seconds": round(result.seconds, 2), "left_out": result.left_out}


CHANNELS = (SiteChannel,)
