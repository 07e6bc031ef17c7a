"""The `web` channel: the static news site. Publishing a story writes the pages that show it into
a new build of the site (every other file linked from the previous build) and switches the live
site to it atomically; retracting does the same without the story. Re-publishing after a crash
builds the same tree again, so delivery is idempotent."""

from __future__ import annotations

from typing import Any

from pipeline.model import Rendition
from pipeline.render.site import assign_slug, build_site
from pipeline.store import Store
from publishers import Channel, Retraction


class SiteChannel(Channel):
    """Shared by `web` (pages) and `rss` (feeds): both are outputs of one site build."""

    name = "web"
    rendition_kind = "article"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        return [(key, "unknown setting; this channel has none yet") for key in options]

    def __init__(self, newsroom: Any, options: dict[str, Any], name: str | None = None):
        super().__init__(newsroom, options, name)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.newsroom.database_url, migrate=False)
        return self._store

    def publish(self, rendition: Rendition) -> dict[str, Any]:
        with self.store.begin() as conn:
            assign_slug(conn, rendition.story_id)
        with self.store.read() as conn:
            result = build_site(self.newsroom, conn, {self.name: {rendition.story_id: rendition.revision}})
        return {"build": result.build, "written": len(result.written), "path": rendition.meta.get("path"),
                "sha256": rendition.sha256}

    def retract(self, retraction: Retraction) -> dict[str, Any]:
        assert retraction.story_id is not None
        with self.store.read() as conn:
            result = build_site(self.newsroom, conn, {self.name: {retraction.story_id: None}})
        return {"build": result.build, "written": len(result.written), "removed": len(result.removed)}

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


CHANNEL = SiteChannel
