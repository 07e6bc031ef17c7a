"""The `rss` channel: RSS 2.0 and Atom feeds — site-wide and per station, institute and theme —
written as part of the site build (see `publishers.web`). A story approved for `rss` appears in
the feeds it belongs to; a correction updates its entry in place (same guid, new updated time);
a kill takes it out. It has no settings of its own (the podcast's contact is `[site] email`)."""

from __future__ import annotations

from typing import Any

from pipeline import words
from publishers.web import SiteChannel


class FeedChannel(SiteChannel):
    kind = "rss"
    rendition_kind = "feed-item"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        return [(key, words.site.unknown_setting()) for key in options]

    def preflight(self) -> list[str]:
        # the feeds are built with the site's templates: reported once, under `web`, when both run
        return [] if self.newsroom.channels_of_kind("web") else super().preflight()


CHANNELS = (FeedChannel,)
