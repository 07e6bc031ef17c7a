"""The `rss` channel: RSS 2.0 and Atom feeds — site-wide and per station, institute and theme —
written as part of the site build (see `publishers.web`). A story approved for `rss` appears in
the feeds it belongs to; a correction updates its entry in place (same guid, new updated time);
a kill takes it out.

Its one setting, `podcast_email`, is the contact address the loudspeaker podcast names as its
owner (`itunes:owner`); without it the podcast names none."""

from __future__ import annotations

import re
from typing import Any

import pipeline.words.site as site_words
from publishers.web import SiteChannel

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class FeedChannel(SiteChannel):
    kind = "rss"
    rendition_kind = "feed-item"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        problems = [(key, site_words.rss_settings()) for key in options if key != "podcast_email"]
        email = options.get("podcast_email")
        if email is not None and not (isinstance(email, str) and EMAIL.match(email.strip())):
            problems.append(("podcast_email", site_words.bad_email(str(email))))
        return problems

    def preflight(self) -> list[str]:
        # the feeds are built with the site's templates: reported once, under `web`, when both run
        return [] if self.newsroom.channels_of_kind("web") else super().preflight()


CHANNELS = (FeedChannel,)
