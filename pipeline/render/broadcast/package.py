"""A built package: the folder `outbox/loudspeaker/<date>/<slot>/<target>/` with the script (text,
html with pinyin, dialect version), the audio and playlist when there is an engine, and the
manifest listing every file's hash; built aside and swapped in whole. Also when packages are due:
their ledger rows, `lead_minutes` before air."""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from pipeline import ledger, words
from pipeline.fsutil import UnsafePath, atomic_folder, inside
from pipeline.model import PackageUnit, Publication
from pipeline.render.broadcast.audio import render_audio
from pipeline.render.broadcast.notices import (
    glossary,
    load_notices,
    noticed_stations,
    pronunciations,
)
from pipeline.render.broadcast.options import Settings, settings_for
from pipeline.render.broadcast.rundown import (
    GAP_SECONDS,
    JINGLE_SECONDS,
    Part,
    Rundown,
    clock,
    rundown_digest,
    rundowns,
)
from pipeline.render.broadcast.unit import air_time, targets_for
from pipeline.render.speech import annotate, apply_glossary, lint, ruby_html, spoken_diff
from pipeline.settings import Newsroom
from pipeline.templating import environment
from pipeline.words import seconds_text


@dataclass
class Package:
    folder: Path
    manifest: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)  # name → sha256


def read_package(folder: Path) -> Package:
    """A built package as its manifest describes it."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return Package(folder, manifest, manifest.get("files", {}))


def delivered_folder(newsroom: Newsroom, row: Publication) -> Path | None:
    """Where a package row's delivery put the package: the folder its receipt names (refused when it
    points outside the newsroom), else the channel's folder for the unit; None for a row that names
    no package."""
    if row.receipt and row.receipt.get("folder"):
        try:
            return inside(newsroom.root, row.receipt["folder"])
        except UnsafePath:
            return None
    try:
        unit = PackageUnit.parse(row.unit)
    except ValueError:
        return None
    return package_folder(newsroom, unit.day, unit.slot, unit.target, row.channel)


def delivered_package(newsroom: Newsroom, row: Publication) -> Package | None:
    """The package a finished delivery left, as its manifest describes it; None when the row is not
    done or its folder holds no package."""
    folder = delivered_folder(newsroom, row) if row.state == "done" else None
    if folder is None or not (folder / "manifest.json").is_file():
        return None
    return read_package(folder)


def packages_dir(newsroom: Newsroom, channel: str = "loudspeaker") -> Path:
    """Where a loudspeaker-kind channel puts its packages: `outbox/<channel name>/`, so that a
    second channel of the kind (another rate, another engine) keeps its own."""
    return newsroom.root / "outbox" / channel


def package_folder(newsroom: Newsroom, day: date, slot: str, target: str, channel: str = "loudspeaker") -> Path:
    return packages_dir(newsroom, channel) / day.isoformat() / slot / target


def build_package(newsroom: Newsroom, rundown: Rundown, settings: Settings, destination: Path | None = None,
                  engine: str | None = None) -> Package:
    """Write the package (script.html, script.txt, playlist.m3u, audio.mp3 and parts when there is
    audio, manifest.json) into a new folder, then swap it in for the old one in one rename."""
    destination = destination or package_folder(newsroom, rundown.day, rundown.slot.name, rundown.target.id)
    engine = engine or settings.engine
    digest = package_digest(rundown)  # before the audio may drop items: what the ledger hashed
    with atomic_folder(destination) as work:  # the package is replaced whole, never seen half-built
        timing = [(part, part.seconds) for part in rundown.parts]
        audio: dict[str, Any] | None = None
        if engine != "none":
            audio = render_audio(newsroom, rundown, settings, engine, work)
            timing, starts = audio.pop("timing"), audio.pop("starts")
            rundown.parts = [part for part, _ in timing]
        else:  # estimated: the reading rate, the jingles' lengths and the gaps
            starts, at = [], 0.0
            for part, seconds in timing:
                at += JINGLE_SECONDS[part.jingle] + GAP_SECONDS if part.jingle in ("open", "notice") else 0.0
                starts.append(at)
                at += seconds + GAP_SECONDS
        readings = pronunciations(newsroom)
        dialect = glossary(newsroom, rundown.target)
        (work / "script.txt").write_text(script_text(rundown, timing, starts), encoding="utf-8")
        (work / "script.html").write_text(script_html(newsroom, rundown, timing, starts, readings), encoding="utf-8")
        if dialect:
            local = [(Part(p.kind, p.ref, p.title, p.written, apply_glossary(p.spoken, dialect), p.seconds, p.repeat,
                           p.jingle), s) for p, s in timing]
            (work / "script-dialect.txt").write_text(script_text(rundown, local, starts, dialect=True), encoding="utf-8")
        manifest = _manifest(rundown, timing, starts, engine, audio, settings)
        manifest["rundown_sha256"] = digest
        files = {}
        for path in sorted(work.rglob("*")):
            if path.is_file():
                files[path.relative_to(work).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        manifest["files"] = files
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")
    return Package(destination, manifest, files)


def build_packages(newsroom: Newsroom, found: list[Rundown], settings: Settings | None = None,
                   engine: str | None = None) -> list[Package]:
    """Build several packages side by side (their ffmpeg passes use the cores; speech is cached
    and synthesised under one lock)."""
    chosen = settings or settings_for(newsroom)
    with ThreadPoolExecutor(max(1, min(len(found), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda rundown: build_package(newsroom, rundown, chosen, engine=engine), found))


def package_digest(rundown: Rundown) -> str:
    """The hash of what a package built from `rundown` holds: the ledger records it as the
    delivery's output, and the manifest keeps it."""
    return hashlib.sha256(rundown_digest(rundown)).hexdigest()


@dataclass(frozen=True)
class Freshness:
    """Whether a built package still holds what its rundown holds now, and the stories that differ."""

    stale: bool
    added: tuple[str, ...] = ()  # titles of stories the rundown reads and the package lacks
    removed: tuple[str, ...] = ()  # titles of stories the package reads and the rundown no longer has

    @property
    def note(self) -> str:
        return words.render.package_stale_because(list(self.added), list(self.removed)) if self.stale else ""


def freshness(rundown: Rundown, manifest: dict[str, Any], built_hash: str | None = None) -> Freshness:
    """Compare the rundown as it stands with the package built before: stale when what the package
    would hold now differs from what it was built from (the hash the ledger recorded for the
    delivery, else the manifest's), or, for a package without a hash, when a story is in one and not
    the other. Stories left out for time on either side count as known to both."""
    reads = ("story", "brief")
    now_reads = {p.ref: p.title for p in rundown.parts if p.kind in reads}
    now_known = set(now_reads) | {ref for ref, _, _ in rundown.left_out}
    built_reads = {i["ref"]: i["title"] for i in manifest.get("items", []) if i.get("kind") in reads}
    built_known = set(built_reads) | {i.get("ref", "") for i in manifest.get("left_out", [])}
    added = tuple(title for ref, title in now_reads.items() if ref not in built_known)
    removed = tuple(title for ref, title in built_reads.items() if ref not in now_known)
    recorded = built_hash or manifest.get("rundown_sha256")
    stale = package_digest(rundown) != recorded if recorded else bool(added or removed)
    return Freshness(stale, added, removed)


def stale_packages(conn: Connection, newsroom: Newsroom, now: datetime) -> list[PackageUnit]:
    """The packages built for slots still to air whose rundown has changed since (a story
    published or killed, a notice, an editor's change): each loudspeaker-kind channel's delivered
    package rows, compared with the rundown planned now with that channel's settings."""
    found: dict[str, PackageUnit] = {}
    for channel in newsroom.channels_of_kind("loudspeaker"):
        settings = settings_for(newsroom, channel)
        built: dict[tuple[date, str], dict[str, Publication]] = {}
        for row in ledger.delivered_units(conn, (channel,)):
            try:
                unit = PackageUnit.parse(row.unit)
                slot = next(s for s in newsroom.slots if s.name == unit.slot)
            except (ValueError, StopIteration):
                continue
            if air_time(newsroom, unit.day, slot) > now:
                built.setdefault((unit.day, unit.slot), {})[unit.target] = row
        for (day, slot_name), rows in sorted(built.items()):
            slot = next(s for s in newsroom.slots if s.name == slot_name)
            for rundown in rundowns(conn, newsroom, day, slot, None, settings, now=now):
                delivered = rows.get(rundown.target.id)
                if delivered is not None and delivered.output_hash != package_digest(rundown):
                    found.setdefault(delivered.unit, PackageUnit.parse(delivered.unit))
    return list(found.values())


def _manifest(rundown: Rundown, timing: list[tuple[Part, float]], starts: list[float], engine: str,
              audio: dict[str, Any] | None, settings: Settings) -> dict[str, Any]:
    return {
        "unit": rundown.unit, "title": words.render.package_name(rundown.day, rundown.slot.label, rundown.target.name),
        "date": rundown.day.isoformat(), "slot": rundown.slot.name, "slot_title": rundown.slot.label,
        "air_time": rundown.slot.start.strftime("%H:%M"), "slot_seconds": rundown.budget,
        "target": {"id": rundown.target.id, "name": rundown.target.name, "kind": rundown.target.kind},
        "engine": engine, "chars_per_minute": settings.chars_per_minute,
        "estimated_seconds": rundown.seconds,
        "seconds": audio["seconds"] if audio else rundown.seconds,
        "loudness": audio["loudness"] if audio else None,
        "items": [{"kind": p.kind, "ref": p.ref, "title": p.title, "start": round(s, 1), "seconds": round(d, 1),
                   "repeat": p.repeat, "estimated_seconds": p.seconds,
                   "rewritten": [list(pair) for pair in spoken_diff(p.written)],
                   "lint": [{"kind": i.kind, "excerpt": i.excerpt, "message": i.message, "suggestion": i.suggestion}
                            for i in lint(p.written)]}
                  for (p, d), s in zip(timing, starts, strict=True)],
        "left_out": [{"ref": ref, "title": title, "reason": reason} for ref, title, reason in rundown.left_out],
    }


def _heading(rundown: Rundown) -> str:
    return words.render.script_heading(rundown.target.name, rundown.day, rundown.slot.start, rundown.slot.label,
                                rundown.slot.minutes)


def script_text(rundown: Rundown, timing: list[tuple[Part, float]], starts: list[float], dialect: bool = False) -> str:
    lines = [_heading(rundown) + (words.render.DIALECT_VERSION if dialect else ""), ""]
    for (part, seconds), start in zip(timing, starts, strict=True):
        lines.append(words.render.script_cue(clock(start), words.render.PART_LABELS[part.kind], part.title, part.repeat == 2, seconds))
        lines.append(part.spoken)
        lines.append("")
    if rundown.left_out:
        lines.append(words.render.LEFT_OUT_HEADING)
        lines += [f"- {title}：{reason}" for _, title, reason in rundown.left_out]
    return "\n".join(lines).rstrip() + "\n"


def script_html(newsroom: Newsroom, rundown: Rundown, timing: list[tuple[Part, float]], starts: list[float],
                readings: dict[str, str]) -> str:
    parts = []
    for (part, seconds), start in zip(timing, starts, strict=True):
        parts.append({"kind": part.kind, "label": words.render.PART_LABELS[part.kind], "title": part.title,
                      "start": clock(start), "end": clock(start + seconds), "seconds": seconds_text(seconds),
                      "repeat": part.repeat, "html": ruby_html(annotate(part.spoken, readings))})
    context = {"heading": _heading(rundown), "site": newsroom.site.title, "target": rundown.target.name,
               "parts": parts, "left_out": [{"title": title, "reason": reason} for _, title, reason in rundown.left_out],
               "total": clock(sum(s for _, s in timing) + GAP_SECONDS * (len(timing) - 1)),
               "slot_minutes": rundown.slot.minutes}
    return environment(newsroom.root).get_template("broadcast/script.html").render(**context)


def schedule_packages(conn: Connection, newsroom: Newsroom, now: datetime, horizon: timedelta = timedelta(days=1)) -> int:
    """Ledger rows for every package whose build time (air time minus `lead_minutes`) falls
    within the horizon and whose air time is still ahead; returns how many were added."""
    channels = newsroom.channels_of_kind("loudspeaker")
    if not channels or not newsroom.slots:
        return 0
    settings = settings_for(newsroom)
    notices, _ = load_notices(newsroom)
    targets = targets_for(newsroom, noticed_stations(notices))
    local = now.astimezone(newsroom.tz).date()
    added = 0
    for day in (local - timedelta(days=1), local, local + timedelta(days=1)):
        for slot in newsroom.slots:
            air = air_time(newsroom, day, slot)
            due = air - timedelta(minutes=settings.lead_minutes)
            if air <= now or due > now + horizon:
                continue
            for target in targets:
                for channel in channels:
                    added += ledger.schedule_unit(conn, channel, str(PackageUnit(day, slot.name, target.id)), due, now)
    return added
