"""Village-loudspeaker broadcasts (农村大喇叭): per township (and per village that has notices of
its own) and per slot, a rundown that fits the slot, a script in spoken form, audio, a package.

The rooms: `unit` (who a package is for, and which package it is), `notices` (notice files,
pronunciations, dialect glossaries), `spoken` (a story's spoken rendition, the one place a story's
spoken form is made), `rundown` (what is read, in which order), `package` (the built folder, and
when packages are due), `audio` (speech, jingles, loudness) and `options` (the channel's settings).
The names other stages use are importable from here."""

from pipeline.render.broadcast.notices import Notice, glossary, load_notices, pronunciations
from pipeline.render.broadcast.options import Settings, check_options, settings_for
from pipeline.render.broadcast.package import (
    Freshness,
    Package,
    build_package,
    build_packages,
    delivered_folder,
    delivered_package,
    freshness,
    package_digest,
    package_folder,
    packages_dir,
    read_package,
    schedule_packages,
    stale_packages,
)
from pipeline.render.broadcast.rundown import (
    Part,
    Rundown,
    candidates,
    clock,
    plan_rundown,
    rundown_digest,
    rundown_for_unit,
    rundowns,
)
from pipeline.render.broadcast.spoken import (
    SpokenRenderer,
    SpokenStory,
    render_spoken,
    spoken_stories,
)
from pipeline.render.broadcast.unit import (
    BroadcastError,
    Target,
    UnknownBroadcast,
    air_time,
    parse_unit,
    slot_named,
    target_name,
    unit_label,
)

RENDERERS = (SpokenRenderer,)

__all__ = [
    "RENDERERS", "BroadcastError", "Freshness", "Notice", "Package", "Part", "Rundown", "Settings", "SpokenRenderer",
    "SpokenStory", "Target", "UnknownBroadcast", "air_time", "build_package", "build_packages", "delivered_folder", "delivered_package", "candidates", "check_options", "clock",
    "freshness", "glossary", "load_notices", "package_digest", "package_folder", "packages_dir", "read_package", "parse_unit", "plan_rundown",
    "pronunciations", "render_spoken", "rundown_digest", "rundown_for_unit", "rundowns", "schedule_packages",
    "settings_for", "slot_named", "spoken_stories", "stale_packages", "target_name", "unit_label",
]
