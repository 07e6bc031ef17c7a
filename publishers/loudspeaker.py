"""The loudspeaker channel kind: village-loudspeaker broadcast packages (see
`pipeline.render.broadcast`).

Two kinds of rows go through the ledger here. A story approved for a loudspeaker channel has a row
like on any channel: delivering it puts the story in the pool the broadcasts choose from (the spoken
form is its rendition), and a kill takes it out. Each (date, slot, township) package is a row of its
own, added by the scheduler and due `lead_minutes` before air: delivering it builds the package into
`outbox/loudspeaker/<date>/<slot>/<target>/`, swapped in whole, so a repeated delivery after a crash
leaves one package. A package whose air time has passed is cancelled, not built late."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pipeline import words
from pipeline.live import mark_site_stale
from pipeline.model import Rendition
from pipeline.render import broadcast
from pipeline.render.tts import engines_status
from pipeline.settings import Newsroom
from pipeline.templating import template_problems
from pipeline.timeutil import utcnow
from publishers import Channel, PermanentError, ReadsTheStore, Retraction


class LoudspeakerChannel(ReadsTheStore, Channel):
    kind = "loudspeaker"
    rendition_kind = "spoken"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        return broadcast.check_options(options)

    def __init__(self, newsroom: Newsroom, options: dict[str, Any], name: str | None = None):
        super().__init__(newsroom, options, name)
        self.settings = broadcast.Settings.from_options(options)

    def preflight(self) -> list[str]:
        problems = template_problems(self.newsroom.root, "broadcast")
        status = {s.name: s for s in engines_status()}
        engine = status.get(self.settings.engine)
        if self.settings.engine != "none" and (engine is None or not engine.available):
            problems.append(words.render.engine_unavailable(self.settings.engine, engine.detail if engine else ""))
        _, notice_problems = broadcast.load_notices(self.newsroom)
        problems += [f"broadcast/notices/{name}: {reason}" for name, reason in notice_problems]
        return problems

    def expired(self, unit: str, now: datetime) -> bool:
        try:
            package, slot = broadcast.parse_unit(self.newsroom, unit)
        except broadcast.BroadcastError:
            return False  # not a package unit: render_unit says what is wrong
        return broadcast.air_time(self.newsroom, package.day, slot) <= now

    def render_unit(self, unit: str) -> Rendition:
        """What the package of `unit` will hold (its rundown), to hash and to deliver. The stories'
        spoken renditions it reads are stored where missing (a new reading rate renders them
        again), so the stored rendition an editor previews is the one that airs."""
        with self.store.begin() as conn:
            rundown = broadcast.rundown_for_unit(conn, self.newsroom, unit, self.settings, now=utcnow())
        content = broadcast.rundown_digest(rundown)
        # the rundown rides along: the package built is the one whose digest the ledger recorded
        return Rendition(story_id=0, revision=0, kind="broadcast-package", content=content,
                         sha256=hashlib.sha256(content).hexdigest(), meta={"unit": unit, "rundown": rundown})

    def publish(self, rendition: Rendition) -> dict[str, Any]:
        if rendition.kind != "broadcast-package":  # a story joins the pool the broadcasts draw from
            return {"pool": "loudspeaker", "seconds": rendition.meta.get("seconds")}
        try:
            rundown = rendition.meta["rundown"]
            folder = broadcast.package_folder(self.newsroom, rundown.day, rundown.slot.name, rundown.target.id, self.name)
            package = broadcast.build_package(self.newsroom, rundown, self.settings, folder)
        except broadcast.BroadcastError as exc:
            raise PermanentError(str(exc)) from exc
        manifest = package.manifest
        if self.newsroom.channels_of_kind("web"):  # the podcast on the site gets the new episode
            mark_site_stale(self.newsroom)
        return {"folder": str(package.folder.relative_to(self.newsroom.root)), "seconds": manifest["seconds"],
                "items": sum(1 for item in manifest["items"] if item["kind"] in ("story", "brief")),
                "left_out": len(manifest["left_out"]), "loudness": manifest["loudness"]}

    def retract(self, retraction: Retraction) -> dict[str, Any]:
        # out of the pool: packages built from now on leave the story out
        return {"pool": "loudspeaker", "retracted": retraction.story_id}


CHANNELS = (LoudspeakerChannel,)
