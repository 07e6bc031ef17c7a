"""What the newsroom puts on air besides stories, and how it is read: the notice files of
`broadcast/notices/`, the pronunciations and the dialect glossaries.

Newsroom files (all optional) in `broadcast/`:
- `notices/*.md`: front matter `title`, `targets` (township or village station ids; none: county
  wide), `from` / `until` (dates), `slots` (names; none: every slot), `emergency` (true/false),
  then the text. Notices are read twice; emergency notices open the broadcast and close it again.
- `pronunciations.toml`: `[terms]` term = "pīn yīn" — overrides every other reading aid.
- `dialects/<target id>.toml`: `[terms]` term = local wording, for the dialect version.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from pipeline import words
from pipeline.render.broadcast.unit import BroadcastError, Target
from pipeline.settings import Newsroom


@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    text: str
    targets: tuple[str, ...] = ()
    starts: date | None = None
    ends: date | None = None
    slots: tuple[str, ...] = ()
    emergency: bool = False

    def applies(self, target: Target, day: date, slot: str) -> bool:
        if self.starts and day < self.starts or self.ends and day > self.ends:
            return False
        if self.slots and slot not in self.slots:
            return False
        if not self.targets:
            return True
        if target.kind == "village":
            return target.id in self.targets or target.township_id in self.targets
        return target.id in self.targets


def noticed_stations(notices: Iterable[Notice]) -> set[str]:
    """The stations the notices are addressed to (a village among them gets its own package)."""
    return {station for notice in notices for station in notice.targets}


def broadcast_dir(newsroom: Newsroom) -> Path:
    return newsroom.root / "broadcast"


def load_notices(newsroom: Newsroom) -> tuple[list[Notice], list[tuple[str, str]]]:
    """The notices, and (file, reason) for each notice file that cannot be used."""
    folder = broadcast_dir(newsroom) / "notices"
    notices, problems = [], []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            notices.append(_notice(path, newsroom))
        except (BroadcastError, yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
            problems.append((path.name, str(exc)))
    return notices, problems


def _notice(path: Path, newsroom: Newsroom) -> Notice:
    text = path.read_text(encoding="utf-8-sig")
    if not text.startswith("---"):
        raise BroadcastError(words.render.NOTICE_NO_FRONT_MATTER)
    pieces = text.split("---", 2)
    if len(pieces) < 3:
        raise BroadcastError(words.render.NOTICE_FRONT_MATTER_OPEN)
    _, front, body = pieces
    meta = yaml.safe_load(front) or {}
    if not isinstance(meta, dict) or not str(meta.get("title", "")).strip():
        raise BroadcastError(words.render.NOTICE_NO_TITLE)
    targets = meta.get("targets") or []
    targets = [targets] if isinstance(targets, str) else targets
    unknown = [x for x in targets if x not in newsroom.stations]
    if unknown:
        raise BroadcastError(words.render.notice_unknown_targets([str(x) for x in unknown]))
    slots = meta.get("slots") or []
    slots = [slots] if isinstance(slots, str) else slots
    known = {slot.name for slot in newsroom.slots}
    if any(s not in known for s in slots):
        raise BroadcastError(words.render.notice_unknown_slots([s for s in slots if s not in known], sorted(known)))

    def day(key: str) -> date | None:
        value = meta.get(key)
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise BroadcastError(words.render.notice_bad_date(key, value)) from None

    if not body.strip():
        raise BroadcastError(words.render.NOTICE_NO_TEXT)
    return Notice(path.stem, str(meta["title"]).strip(), " ".join(body.split()), tuple(targets), day("from"),
                  day("until"), tuple(slots), bool(meta.get("emergency", False)))


def _terms(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BroadcastError(words.render.malformed_toml(path, exc)) from None
    terms = data.get("terms", {})
    return {str(k): str(v) for k, v in terms.items()} if isinstance(terms, dict) else {}


def pronunciations(newsroom: Newsroom) -> dict[str, str]:
    return _terms(broadcast_dir(newsroom) / "pronunciations.toml")


def glossary(newsroom: Newsroom, target: Target) -> dict[str, str]:
    folder = broadcast_dir(newsroom) / "dialects"
    return _terms(folder / f"{target.id}.toml") or _terms(folder / f"{target.township_id}.toml")
